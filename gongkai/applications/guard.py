"""Constants shared by the public entry points and the annual report."""

FIRST_REPORT_YEAR = 2019  # the revised 条例 took effect on 2019-05-15

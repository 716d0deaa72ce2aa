"""Pure domain logic: data in, data out, no Django. Apps call these; these call nothing of ours."""

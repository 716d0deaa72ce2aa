"""Gongkai 政务公开平台: one platform for the whole 五公开 cycle of Chinese government agencies."""

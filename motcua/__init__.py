"""MotCua — Hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh."""

__version__ = "0.1.0"

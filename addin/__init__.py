"""Complaint Desk: validate complaint logs and satisfaction surveys kept in Excel workbooks."""

__version__ = "0.1.0"

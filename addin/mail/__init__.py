"""The summary e-mail: settings (`settings`), the Recipients table (`recipients`), who gets which
slice (`plan`), the message, SMTP and the sent log (`message`), one workbook end to end (`deliver`).
"""

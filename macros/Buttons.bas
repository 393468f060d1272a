Attribute VB_Name = "Buttons"
' Complaint Desk: the buttons on the template's log sheet.
' Each runs one Python function (addin.excel) on this workbook through xlwings' RunPython
' (the xlwings module is built into this workbook; the interpreter comes from its xlwings.conf sheet).
Option Explicit

Public Sub ValidateLog()
    RunPython "import addin.excel; addin.excel.validate_log()"
End Sub

Public Sub ShowScores()
    RunPython "import addin.excel; addin.excel.scores()"
End Sub

Public Sub ShowFlags()
    RunPython "import addin.excel; addin.excel.flags()"
End Sub

Public Sub RunAll()
    RunPython "import addin.excel; addin.excel.run_all()"
End Sub

Public Sub EmailSummary()
    RunPython "import addin.excel; addin.excel.email_summary()"
End Sub

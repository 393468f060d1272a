Attribute VB_Name = "Ribbon"
' Complaint Desk add-in: callbacks of the "Complaints" ribbon tab (customUI/customUI.xml).
' They act on ActiveWorkbook, the user's own workbook: Python is told active=True, because
' xlwings' Book.caller() would name this add-in.
Option Explicit

Private Function HaveWorkbook() As Boolean
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open your complaint workbook first.", vbInformation, "Complaint Desk"
        Exit Function
    End If
    HaveWorkbook = True
End Function

Public Sub Ribbon_ValidateLog(control As IRibbonControl)
    If HaveWorkbook() Then RunPython "import addin.excel; addin.excel.validate_log(active=True)"
End Sub

Public Sub Ribbon_Scores(control As IRibbonControl)
    If HaveWorkbook() Then RunPython "import addin.excel; addin.excel.scores(active=True)"
End Sub

Public Sub Ribbon_Flags(control As IRibbonControl)
    If HaveWorkbook() Then RunPython "import addin.excel; addin.excel.flags(active=True)"
End Sub

Public Sub Ribbon_RunAll(control As IRibbonControl)
    If HaveWorkbook() Then RunPython "import addin.excel; addin.excel.run_all(active=True)"
End Sub

Public Sub Ribbon_EmailSummary(control As IRibbonControl)
    If HaveWorkbook() Then RunPython "import addin.excel; addin.excel.email_summary(active=True)"
End Sub

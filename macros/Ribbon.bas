Attribute VB_Name = "Ribbon"
' Complaint Desk add-in: callbacks of the "Complaints" ribbon tab (customUI/customUI.xml).
' They act on ActiveWorkbook, the user's own workbook: this add-in embeds xlwings' module for custom
' add-ins (xlwings_custom_addin.bas), whose RunPython names ActiveWorkbook to Python, so Book.caller()
' is the user's workbook; its settings come from that workbook's xlwings.conf sheet, then the add-in's,
' then the user's xlwings config file.
Option Explicit

Private Function HaveWorkbook() As Boolean
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open your complaint workbook first.", vbInformation, "Complaint Desk"
        Exit Function
    End If
    HaveWorkbook = True
End Function

Public Sub Ribbon_ValidateLog(control As IRibbonControl)
    If HaveWorkbook() Then RunPython "import addin.excel; addin.excel.validate_log()"
End Sub

Public Sub Ribbon_Scores(control As IRibbonControl)
    If HaveWorkbook() Then RunPython "import addin.excel; addin.excel.scores()"
End Sub

Public Sub Ribbon_Flags(control As IRibbonControl)
    If HaveWorkbook() Then RunPython "import addin.excel; addin.excel.flags()"
End Sub

Public Sub Ribbon_RunAll(control As IRibbonControl)
    If HaveWorkbook() Then RunPython "import addin.excel; addin.excel.run_all()"
End Sub

Public Sub Ribbon_EmailSummary(control As IRibbonControl)
    If HaveWorkbook() Then RunPython "import addin.excel; addin.excel.email_summary()"
End Sub

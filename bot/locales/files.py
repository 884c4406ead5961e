"""Messages of reading files people export (CSV, TSV, XLSX, plain text): bot/flows/tabular.py."""

MESSAGES = {
    "file.no_file": {"en": "no such file: {path}", "zh-CN": "文件不存在：{path}"},
    "file.unreadable": {"en": "cannot read {path} ({detail})", "zh-CN": "无法读取 {path}（{detail}）"},
    "file.empty": {"en": "the file is empty (a header row is required)", "zh-CN": "文件为空（需要表头行）"},
    "file.old_excel": {"en": "{suffix} workbooks cannot be read; save the sheet as XLSX or CSV",
                       "zh-CN": "无法读取 {suffix} 文件，请另存为 XLSX 或 CSV"},
    "file.unknown_encoding": {
        "en": "the file is not UTF-8, UTF-16 or Chinese (GB18030/GBK) text; save it as CSV UTF-8 or XLSX, "
              "or name its encoding (--encoding)",
        "zh-CN": "文件不是 UTF-8、UTF-16 或中文（GB18030/GBK）编码的文本；请另存为 CSV UTF-8 或 XLSX，"
                 "或指定其编码（--encoding）"},
    "file.bad_encoding": {"en": "the file is not valid {encoding} text", "zh-CN": "文件不是有效的 {encoding} 编码文本"},
    "file.no_such_encoding": {"en": "unknown text encoding \"{encoding}\" (for example utf-8, gb18030, utf-16)",
                              "zh-CN": "未知的文本编码“{encoding}”（例如 utf-8、gb18030、utf-16）"},
    "file.bad_csv": {"en": "the CSV file cannot be read at line {line}: {detail}",
                     "zh-CN": "无法读取 CSV 文件第 {line} 行：{detail}"},
    "file.bad_xlsx": {"en": "the XLSX workbook cannot be read ({detail})", "zh-CN": "无法读取 XLSX 工作簿（{detail}）"},
    "file.no_sheet": {"en": "the workbook has no sheet {sheet}", "zh-CN": "工作簿中没有工作表 {sheet}"},
    "file.missing_columns": {"en": "missing required column(s): {columns} (the header has: {found})",
                             "zh-CN": "缺少必填列：{columns}（表头为：{found}）"},
}

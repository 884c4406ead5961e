"""Messages about characters that typed text may not hold."""

MESSAGES = {
    "text.error.control": {
        "en": "This text contains an invisible control character (such as a NUL byte). Remove it and try again.",
        "zh-CN": "此处文字含有不可见的控制字符（例如 NUL 字节），请删除后重试。",
    },
    "text.error.surrogate": {
        "en": "This text contains a broken character (an unpaired surrogate). Retype it and try again.",
        "zh-CN": "此处文字含有损坏的字符（不成对的代理码位），请重新输入后重试。",
    },
    "text.error.bidi": {
        "en": "Names may not contain text-direction control characters (bidi overrides). Retype the name.",
        "zh-CN": "名称中不能含有文字方向控制字符（双向覆盖字符），请重新输入名称。",
    },
    "text.error.command": {
        "en": "Nothing was done: {problem}",
        "zh-CN": "未执行任何操作：{problem}",
    },
}

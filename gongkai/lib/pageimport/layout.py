"""The layout knowledge of the extractor, as data: labels, chrome, breadcrumbs, footers.

Supporting a new site is usually an addition here, not new code:
- FIELD_LABELS: the labels a page uses for each field, best first (when a page shows both
  发布机构 and 来源, 发布机构 wins). A label may be written with spaces (索 引 号) and is
  followed by a colon, or is a table cell of its own.
- IGNORED_LABELS: labels whose values are not imported; knowing them stops their value from
  running into the previous field (`发布时间：2019-07-19 浏览次数：12`).
- FOOTER_ONLY_LABELS: the labels also trusted in a block right below the text (a page that
  puts 发布日期 after the body, above 上一篇); loose ones like 时间 or 名称 are read only
  above the body, and nothing is read below the footer line (related links carry dates).
- CHROME_WORDS: a short line made only of these words is site chrome (toolbar, language and
  accessibility switches, print and close buttons).
- CHROME_LINES: other chrome lines, anywhere (QR code and share prompts, pagers); SITE_FOOTER
  lines (copyright, ICP, 主办) are chrome too.
- FOOTER_MARKERS: the first of these after the body starts ends the body (上一篇, 责任编辑, a
  sidebar's heading alone on its line: 最新动态, 图片聚焦 …);
  TOOLBAR_END words on a chrome line do the same once a paragraph has been read.
- FOOTER_WORDS: a line naming two of these (主办 … 承办 … ICP …) is the site's footer.
- BREADCRUMB: how a location line starts; its last meaningful crumb can give the category.
- HTML_META: `<meta name=…>` of Chinese government CMSs (ArticleTitle, PubDate, ContentSource).
"""

import re

FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "title": ("名称", "信息名称", "文件名称", "公文名称", "标题", "文章标题", "题名"),
    "index_no": ("索引号", "信息索引号", "信息索引", "索取号", "索引"),
    "org_name": (
        "发布机构", "发布机关", "发布单位", "发文机关", "发文单位", "制发机关", "发文机构",
        "信息来源", "征集部门", "征集单位", "发布部门",
        "文章来源", "稿件来源", "消息来源", "来源于", "来源单位", "发稿单位", "信息提供单位", "来源",
        "供稿单位", "供稿", "出处", "稿源",
    ),
    "department": ("责任部门", "公开责任部门", "责任单位", "责任科室", "主责部门"),
    "doc_number": ("文号", "发文字号", "发文文号", "发布文号", "文件编号", "文件字号"),
    "written_on": (
        "成文日期", "发文日期", "生成日期", "产生日期", "印发日期", "签发日期", "成文时间",
    ),
    "published_on": (
        "发布日期", "发布时间", "公开日期", "公开时间", "发表时间", "发表日期", "上载日期",
        "上传日期", "时间", "日期", "更新日期", "更新时间", "开始时间", "征集时间", "刊发日期", "信息时间",
    ),
    "validity": ("效力状态", "是否有效", "有效性", "时效性", "效力", "有效状态", "有效性状态"),
    "category": (
        "信息分类", "信息类别", "体裁分类", "主题分类", "组配分类", "所属栏目", "所属类别",
        "所属主题", "栏目", "分类", "类别",
    ),
}  # fmt: skip
IGNORED_LABELS = (
    "浏览次数", "访问次数", "点击数", "点击量", "点击率", "阅读次数", "阅读量", "浏览量", "作者",
    "责任编辑", "编辑", "关键词", "关键字", "主题词", "公开方式", "公开范围", "公开属性",
    "公开形式", "内容概述", "摘要", "废止日期", "有效期", "字号", "字体", "分享到", "发布人",
    "审核人", "初审", "复审", "终审", "校对", "审校", "一审", "二审", "三审", "签审", "编审",
    "访问量", "阅读", "阅读数", "浏览数", "人气", "标签", "文章作者", "当前访问量", "总访问量", "今日访问量", "信息员",
    "录入", "录入员", "生效日期", "著录日期", "归档时间", "废止时间", "公文目录", "所属主题",
    "信息格式", "语种", "发布者", "文章字号", "公开程序", "公开时限", "浏览", "视力保护色",
    "服务对象分类", "生命周期分类", "适用范围", "备注",
    # 统一登记号/登记号 of 规范性文件 are not 索引号; 导读 is a summary above the text
    "统一登记号", "登记号", "统一编号", "登记日期", "信息时效期", "所属机构", "失效日期",
    "文件来源", "选择阅读字号", "阅读字号", "导读", "语音播报", "信息发布者", "审核", "责编",
    "核心提示", "属性", "专业属性",  # a law database's summary and table cells
    '所属"五公开"', "所属“五公开”", "五公开属性",  # 决策/执行/管理/服务/结果公开
)  # fmt: skip
FOOTER_ONLY_LABELS = frozenset(
    {"发布日期", "发布时间", "公开日期", "成文日期", "发文日期", "索引号", "发布机构", "责任部门"}
)
# 来源, editor and counter lines right below the text (`来源：巴彦淖尔日报  编辑：苏亮`, `责编：…`,
# `初审：… 终审：…`, `浏览次数：12`) are no part of it: only the source is read from them.
SOURCE_LABELS = frozenset(
    {"来源", "信息来源", "文章来源", "编辑", "责任编辑", "作者", "摄影", "审核", "供稿", "供稿单位",
     "责编", "初审", "复审", "终审", "校对", "审校", "一审", "二审", "三审", "签审", "编审",
     "浏览次数", "访问次数", "点击数", "点击量", "点击率", "阅读次数", "阅读量", "浏览量",
     "访问量", "浏览", "阅读", "阅读数", "浏览数", "人气", "关键词", "关键字", "主题词", "标签",
     "当前访问量", "总访问量", "今日访问量", "稿件来源", "信息员", "审核人", "发布人", "发布者",
     "信息发布者", "录入", "录入员"}
)  # fmt: skip
# Values that mean "nothing here".
EMPTY_VALUES = frozenset({"", "无", "暂无", "/", "-", "—", "--", "——", "空", "null", "none"})
# 来源：本站 names the site itself, not an organisation
EMPTY_ORGS = frozenset({"本站", "本网", "本网站", "网站", "原创", "转载", "网络"})

VALIDITY: tuple[tuple[str, str], ...] = (
    ("部分失效", "部分失效"),
    ("废止", "废止"),
    ("失效", "失效"),
    ("已修改", "已修改"),
    ("修改", "已修改"),
    ("有效", "有效"),
    ("是", "有效"),
    ("否", "失效"),
)

CHROME_WORDS = frozenset(
    {"EN", "English", "ENGLISH", "中文", "中文版", "简体", "繁体", "繁體", "简体版", "繁体版",
     "无障碍", "长者版", "关怀版", "适老化", "移动版", "移动版本", "手机版", "设为首页", "加入收藏",
     "收藏本站", "收藏本页", "网站地图", "联系我们", "登录", "注册", "RSS", "打印", "打印本页",
     "打印此页", "打印文章", "关闭", "关闭本页", "关闭窗口", "返回", "返回顶部", "返回首页", "字体",
     "字号", "大", "中", "小", "默认", "超大", "分享", "分享到", "微信", "微博", "QQ", "QQ空间",
     "纠错", "我要纠错", "扫一扫", "收藏", "智能问答", "搜索", "朗读", "语音播报", "图像", "下载",
     "文件下载", "内容摘要", "字体大小", "视力保护色", "浏览", "浏览次数", "加大字体", "缩小字体",
     "取消收藏", "保存为word", "保存", "关联稿件", "相关稿件", "更多", "放大", "缩小", "正常",
     "标准", "已收藏", "收藏本文", "打赏", "打赏捐赠", "举报", "安全隐私", "版权保护", "网站声明",
     "关于我们", "隐私政策", "法律声明", "网站纠错", "关于本网", "电脑版", "长者浏览", "大字版",
     "小字号", "大字号", "中字号", "背景颜色", "选择阅读字号", "阅读字号", "关闭当前页面",
     "分享至", "一键转发", "官方微博", "微信公众号", "手机扫一扫", "我要打印", "选择区域",
     "展开通版", "收缩通版", "使用帮助", "网站帮助", "网站导航", "点赞", "在看", "我要留言",
     "分享让更多人看到", "A+", "A-", "隐藏边栏", "查看评论", "人人", "人人网", "空间", "豆瓣", "新浪微博", "腾讯微博", "官方微信平台",
     "X", "×"}
)  # fmt: skip
CHROME_SPLIT = re.compile(r"[\s|｜丨•·●■◆▪/:：\[\]【】()（）>＞×!！]+")
CHROME_LINES = tuple(
    re.compile(p)
    for p in (
        r"^(?:https?://|www\.)\S*$",  # a bare address left by the saver
        # (and SITE_FOOTER's copyright, ICP and 主办 lines)
        r"^承办单位|^承办\s*[:：]|最佳浏览效果|(?:建议|推荐)使用.{0,30}(?:分辨率|浏览器)",
        r"[\[【](?:关闭|打印)[\]】]",
        r"^涉密(?:文件|信息)?严禁上网|^涉密不上网",
        r"^\S{1,60}\.(?:jpe?g|png|gif|bmp|webp)$",  # an image's file name left as its caption
        r"^扫一扫[^。！？]*$|在手机(?:上)?打开|^扫描二维码|^联系我们\s*[:：]",
        # `用微信扫描二维码`, `分享至好友和朋友圈`: a share prompt, no sentence of the text
        r"^[^。，,；;！？]{0,12}(?:扫描二维码|扫二维码|扫码|(?:分享|转发)(?:至|到|给)?(?:好友|朋友圈))"
        r"[^。，,；;！？]{0,12}$",
        r"^本网站支持\s*IPv6|^政府网站找错$|^党政机关$",
        r"^[|｜](?:[^|｜。，,；;]{1,12}[|｜]){3,}$",  # a menu saved as `| 首页 | 聊天室 | 视频 |`
        r"^(?:网站)?首页(?:\s+[^\s。，,；;：:]{2,8}){2,}$",  # `网站首页 新闻中心 工作动态 政务公开`
        r"总第\s*\d+\s*期|本期共\s*\d+\s*版|^(?:上一版|下一版|当前版)|通版阅读",  # an e-paper's pager
        r"document\.(?:write|close)\s*\(|^\s*[\"'];\s*\S",  # script text the saver kept
        r"禁止复制",
        r"^[|｜•·●■◆▪\-—_=*\s]*$",
        r"^(?i:produced|powered|designed)\s+(?i:by)\b",  # the CMS vendor's credit (大汉网络, TRS …)
        # reprint disclaimers of copies and news sites
        r"版权归原作者|如有侵权|侵权请联系|报料热线|免责声明|转载请注明|本文来源于网络|不代表本站",
        r"^(?:THE END|The End|END|The Beginning|-+\s*END\s*-+)$",
        r"^[(（][^()（）]{0,60}原文链接[^()（）]{0,10}[)）]$",
        r"^(?:[\[【]\d{1,3}[\]】]\s*){2,}$|^(?:上一页|下一页|尾页|共\s*\d+\s*页)",  # a pager
        r"我要举报|^\S{2,30}(?:网|网站|门户网站)\s+(?:https?://)?www\.\S+$",
        # a byline whose counter the saved page lost: `河套融媒 浏览量`, `来源：本站 阅读次数`
        r"^\S{2,20}\s+(?:浏览量|浏览次数|阅读量|阅读次数|点击量|点击数|访问量)[:：]?$",
        r"^(?:阅读|浏览|点击|阅读量|浏览量)\s*\d+\s*次?$",  # a counter without its colon: `阅读 539`
    )
)
# A related article listed with its date (`图文解读：《…》 2023-07-12`, `… [2024/03/01]`, `… [03-01]`),
# once no label is read in it.
RELATED_WITH_DATE = re.compile(
    r"^[^。；;，,！？\s][^。；;，,！？]{7,59}"
    r"(?:\s[\[(（【]?\d{4}([-/.])\d{2}\1\d{2}[\]）)】]?|\s?[\[(（【]\d{2}-\d{2}[\]）)】])$"
)
# A footer line names several of these at once (主办 … 承办 … ICP … 网站地图).
FOOTER_WORDS = re.compile(
    r"主办|承办|技术支持|网站地图|访问量|网站标识|版权所有|ICP|公网安备|备案号|中文网址|中文域名|英文域名"
)
FOOTER_MARKERS = re.compile(
    r"^(?:[【\[(（<«‹＜|｜]\s*)?(?:上一篇|下一篇|上一条|下一条|相关信息|相关链接|相关文章|相关阅读|相关新闻|相关文件"
    r"|我要纠错|责任编辑|扫一扫|分享到|打印本页|关闭窗口|关闭本页|关闭当前页|版权所有|主办单位|网站标识码"
    r"|【打印】|【关闭】|推荐阅读|猜你喜欢|你可能会喜欢|最近更新|热门推荐|延伸阅读|更多阅读|友情链接"
    r"|相关推荐|精彩推荐|网友评论|发表评论|我要评论|\d+条评论|解读文章|相关解读|最新文章|最新信息"
    r"|热点新闻|热门新闻|热门文章|热点文章|图片新闻|新闻排行|点击排行|阅读排行|相关专题|往期回顾"
    r"|本栏目最新|栏目最新|同类文章|反侵权公告|版权声明"
    # a sidebar's heading alone on its line, its headlines below it
    r"|(?:最新|最新动态|图片聚焦|精彩图片|精彩专栏|数字报|热门排行|排行榜)$)"
)
# A site footer line (copyright, ICP, 主办单位): once the text has begun nothing after it is text.
SITE_FOOTER = re.compile(
    r"^版权所有|版权所有.{0,8}未经|^Copyright|^©|ICP[备證证]|网站标识码|公网安备|^主办单位|^技术支持"
    r"|^主办\s*[:：]|^\S{2,30}主办$|版权所有\s*$"  # `主办：某县人民政府办公室`, `…办公室主办`
)
# Toolbar words that, on a chrome line after the text, end it (`打印 关闭 收藏`, `【打印本页】`).
TOOLBAR_END = frozenset(
    {"打印", "关闭", "打印本页", "关闭窗口", "关闭本页", "打印文章", "打印此页"}
)
BREADCRUMB = re.compile(
    r"^.{0,4}?(?:您当前所在的位置|您现在的位置|现在的位置|您的位置|当前所在位置|当前位置|所在位置|位置)"
    r"(?:\s*[:：]\s*|\s+(?=首页))(?P<path>.*)$"  # (`您所在的位置 首页 专题频道`: no colon)
)
CRUMB_SEPARATOR = re.compile(r"\s*(?:»|>>|>|＞|›|→|/|\\|-{1,2}>)\s*")
# Crumbs that name the page itself rather than its column.
CRUMB_NOISE = frozenset({"正文", "详情", "内容", "详细信息", "文章", "浏览", "阅读", "查看"})

HTML_META: dict[str, str] = {
    "articletitle": "title",
    "og:title": "title",
    "pubdate": "published_on",
    "publishdate": "published_on",
    "contentsource": "org_name",
    "columnname": "category",
}
HTML_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "object", "select", "button",
     "nav", "aside", "textarea"}
)  # fmt: skip
# class/id words of page regions that are never content.
HTML_CHROME_WORDS = frozenset(
    {"nav", "navbar", "navigation", "menu", "menus", "footer", "foot", "share", "sharebox",
     "toolbar", "sidebar", "topbar", "copyright", "pager", "pagination", "related", "relate",
     "xgxx", "xglj", "qrcode", "erweima", "ewm", "search", "login", "skip", "print", "banner",
     "friendlink", "yqlj", "advert", "ads"}
)  # fmt: skip
HTML_CRUMB_WORDS = frozenset(
    {"crumb", "crumbs", "breadcrumb", "breadcrumbs", "position", "location", "weizhi", "dqwz",
     "curpos", "bread"}
)  # fmt: skip
ATTACHMENT_SUFFIXES = (
    ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".pdf", ".ofd", ".zip", ".rar", ".7z",
    ".ppt", ".pptx", ".txt", ".csv",
)  # fmt: skip

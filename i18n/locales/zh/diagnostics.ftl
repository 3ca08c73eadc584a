# diagnostics — 中文目录。
# 解析器和编译器报告的每一条诊断信息，按代码和措辞命名（`E0104-no-article`），
# 附 `.help`（提示）和 `.label`（标注）属性；若干诊断共用的用语（规则角色、组成部分、期间、示例）；
# 以及解析器所期待内容的说法（`phrase-*`，按其英文文本查找）。参数：名称和所引政策文字原样照录。

## lang
diag-severity-error = 错误
diag-severity-warning = 警告
diag-report-error = 错误
diag-report-warning = 警告
diag-help = 提示
diag-more = ……另有 { $count } 条未显示（最多显示 { $limit } 条附源码的诊断）
diag-colon = ：
E0001-end-of-item = 该项结尾
E0001-unexpected = 此处不应出现 { $found }
E0001-expected-found = 此处应为{ $expected }，实际为 { $found }
E0001-skipped = 已跳过该项；解析器从下一个声明继续
E0001-grammar = { $message }
E0001-unclosed-brace = 此处的 `{"{"}` 没有闭合
    .label = 声明在此结束
    .help = 请在下一个声明之前用 `{"}"}` 闭合
E0001-expected = 缺少{ $what }
E0001-unreadable = 无法读取{ $what }
    .help = 这是 datalex 解析器的缺陷，请连同该文件一并报告
E0001-duplication-without-reading = 重复标记须写明正确读法：`duplicated "RUN" reads "FIXED"`
E0001-target-without-last-day = 目标标记须写明最后一日：`target "RUN" until 2022-12-31`
E0001-target-with-reading = 目标标记写明的是最后一日，而不是读法：`target "RUN" until 2022-12-31`
E0001-until-on-run = `until` 只用于目标标记；`{ $kind }` 标记应写明读法：`reads "…"`
E0003-impossible-date = { $error }
E0002-number-too-large = 数字 `{ $number }` 过大
E0004-all-without-condition = `all` 需要条件：`all x in c: …`
E0001-numeral = `{ $numeral }` 不是规范的中文数字
    .help = 数字应当写作第二十条、第一百零一条的形式，或者用阿拉伯数字：第20条
E0005-mixed-keywords = 使用{ $file ->
        [zh] 中文
       *[en] 英文
    }关键字的文件中出现了{ $file ->
        [zh] 英文
       *[en] 中文
    }关键字 `{ $keyword }`
    .label = 该文件的第一个关键字 `{ $first }`
    .help = 一个文件只使用一种语言的关键字；`datalex fmt --keywords zh|en` 可以转换文件
E0006-too-deep = 该表达式嵌套超过 { $limit } 层
    .help = 括号、方括号、`not`、`any`/`all`/`each`、字段访问和下标各算一层；请把内层部分写成一个 `value`，或者把长条件写成一条平铺的链：`a or b or c`（链的长度不限）

## name
E0101-unknown-name = 未知名称 `{ $name }`
    .help = 名称须为值、参数、事实、`request`、作用域内的量词变量或枚举成员
E0101-unknown-fact = 未知事实
E0101-unknown-value = 未知值 `{ $name }`
    .help = `as VALUE` 指明一个派生值，由其给出当事方所属的机构
E0102-no-member = `{ $enum }` 没有成员 `{ $member }`
E0102-no-field = `{ $record }` 没有字段 `{ $field }`
    .help = 其字段为 { $fields }
E0102-no-key-field = 该记录没有字段 `{ $field }`
E0102-tie-to-later-member = `{ $tie }` 不是在 `{ $member }` 之前声明的成员
E0102-tie-in-unordered-enum = `= { $tie }`：只有 `ordered` 枚举的成员才能位阶相同
E0102-tie-help = 写作 `member = earlier_member`，使一个成员与在其之前声明的成员位阶相同
E0108-unknown-kind = 未知申请类型 `{ $name }`
    .help = 申请类型有 { $kinds }
E0109-unknown-type = 未知类型 `{ $name }`
E0109-unknown-record = 未知记录 `{ $name }`
E0110-not-overridable = `{ $name }` 不是规则或例外，不能作为例外的排除对象
    .help = 守卫最先决定，检查从不作出决定；例外排除规则或其他例外
E0110-not-a-rule-here = `{ $name }` 不是此处 `{ $kind }` 申请的规则
    .help = 例外须指明同一申请类型的规则或其他例外，且该规则或例外在本包或其所扩展的包中
E0110-no-value-exception = 值 `{ $value }` 没有例外 `{ $name }`
E0128-unknown-interpretation = 未知解释 `{ $name }`
    .help = 以 `interpretation NAME of §… {"{"} says "…" means "…" adopted by "…" on DATE {"}"}` 声明
E0128-reads-an-interpretation = 解释 `{ $name }` 解释的是另一解释
    .help = 解释的对象是法规条文：`of §N.P.I`

## citation
E0103-unknown-regulation = 未知法规
E0103-unknown-regulation-named = 未知法规 `{ $name }`
    .help = 请在本包或其所扩展的包中以 `regulation ID "标题" {"{"} … {"}"}` 声明该法规
E0103-out-of-scope = 法规 `{ $regulation }` 声明于政策包 `{ $declared_in }`，而 `{ $package }` 既不是该包，也不继承该包
    .help = 政策包只能引用本包或其所继承的包所声明的法规：请在继承 `{ $declared_in }` 的政策包中引用，或者让 `{ $package }` 继承它
E0103-in-scope = 适用范围（scope）说明已声明的法规适用于哪些主体
E0103-in-applies = `applies` 须指明某个包中已声明的法规
E0113-no-regulation = 该引用未指明法规
E0113-none-declared = 单独的 `§N` 引用本包所声明的法规；本包未声明法规，请写作 `REGULATION §N`
E0113-several-declared = 本包声明了{ $declared }部法规，单独的 `§N` 指向不明：请写作 `REGULATION §N`
E0112-text-unavailable = 无法获得 `{ $regulation }` 的文本，无法核对其条文
    .help = 请引用为 `{ $regulation } §?`（条文不明）：{ $why }
E0104-no-article = `{ $regulation }` 没有第{ $article }条
    .help = { $which }已声明缺失（{ $note }）；请改为引用 `{ $regulation } §?`
E0104-article-is = 第{ $article }条
E0104-articles-are = 第{ $first }条至第{ $last }条
E0104-the-start = 施行之日
E0104-no-version-from = `{ $regulation }` 第{ $article }条没有自{ $version }起施行的版本
    .help = 该条各版本的施行日期为 { $starts }
E0104-no-paragraph-or-item = `{ $regulation }` 第{ $article }条没有该款或该项
E0104-no-paragraph = `{ $regulation }` 第{ $article }条共{ $paragraphs }款，没有第{ $paragraph }款
E0104-no-item = `{ $regulation }` 第{ $article }条的该款没有第{ $item }项
    .help = 该款共{ $items }项
E0104-no-such-provision = 没有该条款
E0126-not-in-force = 在 `{ $regulation }` 有效期间（{ $period }），其 { $provision } 没有有效的版本
    .help = 请引用该条有效的版本，或更正各版本的日期

## cycle
E0105-overrides-itself = `{ $name }` 排除了其自身
E0105-rules = 例外之间循环排除：{ $names }
    .label = 循环的一环
    .help = 排除关系不得构成循环：请确定哪一例外更为具体
E0105-value-exceptions = `{ $value }` 的例外之间循环排除：{ $names }
E0114-depends-on-itself = 值 `{ $name }` 依赖其自身
    .label = 在此定义
    .help = 值不得递归定义：每次求值都必须终止

## decl
declared-regulation = 法规
declared-article = 条
declared-type = 类型
declared-param = 参数
declared-value = 值
declared-rule = 规则
declared-interpretation = 解释
declared-label = 标签
declared-field = 字段
role-guard = 守卫
role-rule = 规则
role-exception = 例外
role-check = 检查
role-otherwise = 兜底规则
part-reason = 理由
part-obligation = 义务
part-finding = 发现的问题
part-deadline = 期限
part-remedy = 救济途径
part-source = 法律依据
E0106-article = 第{ $article }条
E0106-named = { $kind } `{ $name }`
E0106-declared-twice = 重复声明了{ $thing }
E0106-first-declared-here = 首次声明于此
E0106-amended-article = 修改后的条文须写明施行日期：`article { $name } from DATE …`
E0106-two-defaults = `{ $kind }` 申请有两条 `otherwise` 兜底规则
    .help = 只保留一条：没有规则适用时，由一条兜底规则作出决定
E0106-two-scopes = `{ $regulation }` 对 `{ $kind }` 申请有两个适用范围
E0106-two-coverage-notes = { $provision }有两条覆盖说明
E0115-param = 参数 `{ $name }` 未引用任何依据
    .help = 参数须说明其数值的出处：请加上 `cites §N`
E0115-value-exception = 例外 `{ $name }` 未引用任何依据
E0115-scope = `{ $regulation }` 的适用范围未引用任何依据
    .help = 请引用规定该法规适用对象的条文
E0115-rule = { $role } `{ $name }` 未引用任何依据
    .help = 每条规则都须引用其所实施的条文：请在申请类型之后加上 `cites §N`
E0116-no-otherwise = `{ $kind }` 申请有规则，但没有 `otherwise` 兜底规则
    .help = 请写明没有规则适用时如何处理，并引用依据：`otherwise on { $kind } cites §N => deny no_applicable_rule "…"`
E0117-check-with-effect = 检查从不作出决定；它只有发现的问题，没有决定效果
    .help = 请将其改为 `rule`，或删去决定效果
E0117-no-effect = { $role } `{ $name }` 没有决定效果
    .help = 请写明 `=> permit CODE "文字"`、`=> deny …` 或 `=> review …`
E0117-otherwise-must-deny = `otherwise` 必须不予准许：没有规则适用时，决定按拒绝处理
E0117-over-on-non-exception = 只有 `exception`（例外）才能排除其他规则；此处是{ $role }
    .help = 请写作 `exception { $name } over …`
E0117-part-of-check = 检查只报告发现的问题；此处的{ $part }永远不会进入决定
    .help = 请将其移至作出决定的规则中，或将该检查改为规则
E0117-exception-without-over = 例外 `{ $name }` 未写明其排除的对象
    .help = 请写明其排除的规则：`exception NAME over RULE on KIND …`，或将其改为 `rule`
E0120-test-without-request = 该测试没有 `request`

## layer
effect-permit = 准予
effect-deny = 不予
effect-review = 待审核
E0111-unknown-package = 未知的包 `{ $name }`
    .help = 包是以 `package NAME` 开头的一组文件；请检查传给编译器的路径
E0111-extends-cycle = 包之间循环扩展
E0118-package-not-first = `package` 必须是文件的第一个声明
    .help = 请将此行移至文件开头，使读者一开始就知道该文件属于哪个包
E0118-no-package-line = 该文件未写明其所属的包
    .help = 请以 `package NAME` 作为文件的开头
E0118-two-package-lines = 一个文件只能属于一个包
E0118-declared-here = 在此声明
E0118-extends-twice = 包 `{ $package }` 已经扩展了 `{ $base }`
E0130-only-in-prelude = { $what ->
    [fact] 事实
   *[kind] 申请种类
} `{ $name }` 声明于政策包 `{ $package }`；只有预置库（`std`）才能声明事实和申请种类
    .help = 计算引擎只提供预置库的{ $what ->
    [fact] 事实数据：在此声明的事实没有数据，绑定辖区时即会失败
   *[kind] 申请种类：任何申请都不会属于在此声明的种类
}；请使用预置库中的声明
E0131-no-effect = `{ $package }` 没有任何规则对 `{ $kind }` 申请作出 `{ $effect }` 的决定
    .help = 该测试永远不会通过：请预期本政策包的规则会作出的决定
E0131-no-code = `{ $package }` 对 `{ $kind }` 申请不会给出代码为 `{ $code }` 的{ $part }
    .help = 该测试永远不会通过；会给出的代码为 { $codes }
E0131-none-produced = 该测试永远不会通过：本政策包对这类申请不会给出任何{ $part }
E0121-silent-replacement = { $what } `{ $name }` 未加声明即取代了包 `{ $base }` 中的同名声明
    .help = 如果确要取代，请写作 `override { $what } { $name }`；否则请另取名称
E0122-override-of-nothing = 使用了 `override`，但本包所扩展的包中没有{ $what } `{ $name }`
    .help = 请删去 `override`，或检查名称和本包的 `extends`
E0123-uses-kind-it-decides = `{ $package }` 对 `{ $kind }` 申请有自己的规则，同时又引用了 `{ $used }` 的规则
    .help = 同一类申请只在一处决定：请删去此处的规则，或删去 `use`
E0123-nothing-to-use = `{ $used }` 没有可供引用的 `{ $kind }` 申请规则
    .help = 请指明该包所决定的申请类型
E0124-replaces = 取代了
E0124-overrides = 排除了
E0124-other-effect = 该规则作出“{ $effect }”决定，而 `{ $higher }` 作出“{ $higher-effect }”决定
E0124-leaves-out = 该规则遗漏了 `{ $higher }` 所设定的{ $part } `{ $code }`
E0124-rank-conflict = `{ $lower }`（{ $lower-source }）在两者均有效期间（{ $period }）{ $verb } `{ $higher }`（{ $higher-source }）：{ $differs }
    .label = 上位法规则
    .help = 上位法优先：请按上位法规则作出决定并保留其义务，或将本规则限定于上位法规则不适用的期间或范围；如本规则只是增加与上位法不相抵触的更严格要求，请写明 `consistent with REG §N "理由"`

## text
provision-paragraph = 第{ $number }款
provision-item = 第{ $number }项
E0102-not-a-legal-rank = `{ $rank }` 不是 `LegalRank`（法律位阶）的成员
    .help = 位阶由低到高依次为：{ $ranks }
E0102-unknown-style = 未知的编号样式 `{ $style }`
    .help = 法规按 `law` 样式编号（默认：第二十条第二款第二项），或按 `plan` 样式编号（二、（一）2）
E0125-regulation-ends-before-start = `{ $regulation }` 的有效期至{ $until }止，早于其施行日期{ $from }
    .help = 有效期间自首日起至末日止，首尾两日均包括在内
E0125-version-out-of-order = 第{ $article }条的此版本自{ $from }起施行，未晚于前一版本的施行日期（{ $previous }）
    .label = 前一版本
    .help = 请按施行的先后顺序声明条文的各个版本
E0125-this-version = 第{ $article }条的此版本
E0125-part-of-article = 第{ $article }条{ $part }
E0125-ends-before-start = { $what }于{ $until }失效，早于其施行日期{ $from }
E0119-paragraph-out-of-order = 第{ $article }条第{ $number }款应编为第{ $expected }款
E0119-exactly = 第{ $number }项
E0119-above = 大于{ $number }的序号
E0119-item-out-of-order = 第{ $number }项应编为{ $want }
E0127-run-not-in-text = `{ $kind }` 标记的文字不在第{ $article }条{ $part }的文本中
    .label = 所标记的文本
    .help = 请按原文逐字照录所标记的文字
E0127-says-not-in-text = 解释 `{ $interpretation }` 所称的原文不在其所解释的条文中
    .help = `says` 须逐字引用条文：请照录该解释所依据的原文
E0129-articles-of-unavailable-text = `{ $regulation }` 已声明文本未取得，却又声明了条文
    .label = 在此声明文本未取得
    .help = 要么声明其条文并删去“文本未取得”，要么保留“文本未取得”、删去条文，并以 `{ $regulation } §?` 引用该法规
E0129-article-declared-missing = 第{ $article }条已声明条文，又被声明为缺条
    .label = 在此声明为缺条
    .help = 文本已佚失的条文只声明为缺条；请将其移出缺条范围，或者删去该条
E0129-empty-article = 第{ $article }条没有条文
    .help = 请写明其条文（`第二十条 "…"`，或者逐款写明：`第一款 "…"` ……）；条文已佚失的，改为声明缺条（`缺条 20 "原因"`）

## typing
E0107-mismatch = 类型应为 { $expected }，实际为 { $found }
E0107-ambiguous-member = `{ $name }` 是多个枚举的成员
    .help = 请写作 { $written }
E0107-no-fields = { $type } 类型的值没有字段 `{ $field }`
E0107-lookup-outside-fact = 只有以某一字段为键的事实集合才能用 `[…]` 查找
    .help = 例如 `catalog[request.dataset]`
E0107-fact-not-keyed = `{ $fact }` 没有键，不能用 `[…]` 查找
E0107-in-needs-list = `in` 需要列表，实际为 { $found }
E0107-range-needs-list = 此处应为可遍历的列表，实际为 { $found }
E0107-arithmetic = 不能对 { $left } 和 { $right } 使用 `{ $op }`
    .help = 日期可加减期间（`request.at - 365 days`）；整数之间可以加减
E0107-incomparable = 不能比较 { $left } 与 { $right }
    .help = 比较的两边类型须相同；文字不是数字，日期不是期间
E0107-day-counts = 不能比较{ $left ->
    [working] 工作日
   *[calendar] 自然日
}天数与{ $right ->
    [working] 工作日
   *[calendar] 自然日
}天数
    .help = 孰长孰短取决于其间的日子；请将二者加到同一日期上再比较日期（`request.at + 10 working days < request.at + 14 days`）
E0107-unordered = { $type } 类型的值没有大小顺序
    .help = `<`、`<=`、`>`、`>=` 用于比较数字、日期、期间和 `ordered` 枚举的成员
E0107-fact-not-list-of-records = 事实须为记录的列表，如 `[Dataset]`
E0107-not-an-institution = `{ $name }` 的类型为 { $type }，不是机构，也不是机构的列表

## warning
W0001-unused-param = 参数 `{ $name }` 从未使用
    .help = 请在规则或值中使用它，或将其删除
W0002-unused-value = 值 `{ $name }` 从未使用
    .help = 请在规则中使用它，或以 `reported as` 在决定中列明，或将其删除
W0105-never-in-force = 在 `{ $package }` 有效期间（{ $period }），`{ $rule }` 没有任何有效的依据：该规则永远不会适用
    .help = 请引用在本包有效期间内有效的条文，或删除该规则
W0107-uncited-interpretation = 解释 `{ $name }` 未被任何规则引用
    .help = 请在以其为依据的规则中引用：`cites reading { $name }`
W0109-unlabelled = { $what ->
        [enum] 枚举
        [member] 枚举成员
        [record] 记录类型
        [field] 字段
        [kind] 申请类型
        [role] 角色
       *[scenario] 应用场景
    } `{ $name }` 没有标签：决定书将显示其代码
    .help = { $what ->
        [role] 在政策包或者预置定义中为其写标签：`labels role {"{"} { $name } "…" {"}"}`
        [scenario] 在政策包或者预置定义中为其写标签：`labels scenario {"{"} { $name } "…" {"}"}`
        [member] 在其后用引号写出标签
        [field] 在其后用引号写出标签
       *[other] 在其声明的名称后用引号写出标签
    }
W0003-noted-but-cited = { $provision }已被规则引用，但覆盖说明称其未编码
    .help = 请删去该说明；如说明正确，则删去相关引用
W0108-blames-the-schema = 这条 `not_decidable` 说明以缺少字段或事实作为理由
    .help = 请说明该条款的性质（管理职责、目标、有日期的阶段任务）；如果一旦有了某个字段即可据以决定申请，请增加该字段并编码，或写明 `not_encoded` 及所缺内容
example = { $conditions }
example-any-request = 任一申请
example-is = `{ $name }` 为 `{ $member }`
example-true = `{ $name }` 成立
example-false = `{ $name }` 不成立
W0101-conflict = `{ $first }` 与 `{ $second }` 都可以对同一 `{ $kind }` 申请作出决定，决定效果不同，且互不排除
    .label = 另一条规则
    .help = 例如：{ $example }；请确定哪一条是例外（`exception … over …`），或使二者的条件互斥
W0102-gap = 部分 `{ $kind }` 申请没有任何规则作出决定，由 `otherwise` 兜底（{ $total }种组合中有{ $gaps }种）
    .help = 例如：{ $example }
W0103-never-holds = `{ $rule }` 的条件永远不会成立
    .help = 其所检验的值无论如何组合都不能满足该条件（或守卫总是先作出决定）
W0104-always-overridden = `{ $rule }` 从不作出决定：凡其适用之处，都有例外将其排除
    .help = 其例外覆盖了它适用的全部情形；请删除该规则，或缩小例外的范围
W0106-too-many-conditions = 未检查 `{ $kind }` 申请的冲突和遗漏：其规则依赖的条件过多
    .help = 枚举条件{ $enums }个，其他条件{ $others }个；最多枚举{ $max }种组合
period-always = 始终有效
period-from = 自{ $from }起
period-until = 至{ $until }止
period-from-until = 自{ $from }至{ $until }

## phrases: what the parser expected (English text as the parser writes it)
# Keywords are not worded here: the parser names them from the keyword table (lang/src/keywords.rs),
# in the keyword language of the file. These frame them: `$code` a keyword and its placeholder,
# `$keywords` a list of keywords, `$example` a citation written as the file cites.
phrase-on-kind = { $code }（申请类型）
phrase-over-rule = { $code }（所排除的规则）
phrase-an-effect-of = 决定效果（{ $keywords }）
phrase-a-severity-of = 严重程度（{ $keywords }）
phrase-a-citation-such-as = 引用，如 { $example }
phrase-an-article-such-as = 条文，如 { $example }
phrase-a-label = 标签
phrase-a-name-and-its-label = 名称及其标签
phrase-or = `+` 或 `-`
phrase-field = `.field`（字段）
phrase-key = `[key]`（按键查找）
phrase-adopted-by-on-date = `adopted by "…" on DATE`（作出机关和日期）
phrase-any-or-all = `any` 或 `all`
phrase-garbled-duplicated-or-target = `garbled`、`duplicated` 或 `target`
phrase-means = `means "…"`（解释的含义）
phrase-missing = `missing`（`缺条`）
phrase-says = `says "…"`（所解释的原文）
phrase-when-condition-value = `when CONDITION => VALUE`
phrase-when-condition = `when CONDITION`
phrase-a-chapter-number = 章的序号
phrase-a-chapter-title = 章的标题
phrase-a-citation = 引用
phrase-a-code = 代码
phrase-a-collection = 集合
phrase-a-comparison = 比较运算
phrase-a-condition = 条件
phrase-a-date = 日期
phrase-a-date-yyyy-mm-dd = 日期（YYYY-MM-DD）
phrase-a-date-or-unknown = 日期或 `unknown`
phrase-a-deadline-code = 期限代码
phrase-a-declaration = 声明
phrase-a-default = 默认值
phrase-a-duration = 期间
phrase-a-fact = 事实
phrase-a-fact-name = 事实名称
phrase-a-field = 字段
phrase-a-field-name = 字段名称
phrase-a-field-type = 字段类型
phrase-a-kind-name = 申请类型名称
phrase-a-member-name = 成员名称
phrase-a-name = 名称
phrase-a-number = 数字
phrase-a-package-name = 包名称
phrase-a-paragraph = 款
phrase-a-paragraph-number = 款的序号
phrase-a-param-name = 参数名称
phrase-a-part = 组成部分
phrase-a-party = 当事方
phrase-a-reason = 理由
phrase-a-reason-code = 理由代码
phrase-a-reason-text = 理由文字
phrase-a-reason-obligation-deadline-or-finding = 理由、义务、期限或发现的问题
phrase-a-record = 记录
phrase-a-record-name = 记录名称
phrase-a-regulation-entry = 法规条目
phrase-a-regulation-id = 法规标识
phrase-a-request-kind = 申请类型
phrase-a-request-record = 申请记录
phrase-a-rule = 规则
phrase-a-scope = 适用范围
phrase-a-severity = 严重程度
phrase-a-start-date = 起始日期
phrase-a-string = 字符串
phrase-a-subject = 主体
phrase-a-test = 测试
phrase-a-test-name = 测试名称
phrase-a-test-value = 测试值
phrase-a-tier = 共享级别
phrase-a-tier-name = 共享级别名称
phrase-a-title = 标题
phrase-a-type = 类型
phrase-a-unit = 单位
phrase-a-value = 值
phrase-a-value-definition = 值的定义
phrase-a-value-name = 值的名称
phrase-an-article = 条
phrase-an-article-body = 条文内容
phrase-an-article-number = 条的序号
phrase-an-effect = 决定效果
phrase-an-enum = 枚举
phrase-an-enum-member = 枚举成员
phrase-an-enum-name = 枚举名称
phrase-an-error-code = 错误代码
phrase-an-exception-name = 例外名称
phrase-an-expectation = 预期结果
phrase-an-expression = 表达式
phrase-an-interpretation = 解释
phrase-an-item-number = 项的序号
phrase-an-operand = 操作数
phrase-an-outcome = 处理结果
phrase-regulation-metadata = 法规元数据
phrase-the-article-text = 条文
phrase-the-date-it-was-adopted = 作出日期
phrase-the-deadline-text = 期限文字
phrase-the-default-value = 默认值
phrase-the-end-of-the-declaration = 声明结束
phrase-the-finding-text = 问题说明文字
phrase-the-interpretation-s-name = 解释的名称
phrase-the-item-text = 项的文字
phrase-the-obligation-text = 义务文字
phrase-the-paragraph-text = 款的文字
phrase-the-remedy-text = 救济途径文字
phrase-the-run-of-text = 所标记的文字
phrase-who-adopted-it = 作出机关
phrase-why-the-rules-agree = 规则一致的理由

# 每个代码的名称，与 docs/diagnostics.md 所列一致（tests/docs.rs 检查二者相同）。
E0001-title = 文本不符合语法
E0002-title = 数字过大
E0003-title = 日期格式正确但该日期不存在
E0004-title = `all` 缺少条件
E0005-title = 文件混用中文和英文关键字
E0006-title = 表达式嵌套过深
E0101-title = 未知的名称
E0102-title = 未知的字段、枚举成员或位阶
E0103-title = 未知的法规
E0104-title = 引用了法规中不存在的条、款或项
E0105-title = 例外相互优先，形成循环
E0106-title = 重复声明
E0107-title = 类型错误
E0108-title = 未知的请求种类
E0109-title = 未知的类型或记录
E0110-title = `over` 所指的不是可以优先于的规则或例外
E0111-title = 未知的基础包，或包之间循环扩展
E0112-title = 引用了未收录文本的法规的条文
E0113-title = 在没有法规或有多部法规的包中使用了未指明法规的 `§N`
E0114-title = 值依赖于自身
E0115-title = 声明没有引用任何法律依据
E0116-title = 请求种类有规则但没有 `otherwise` 默认规则
E0117-title = 结果的形式不当
E0118-title = 文件的第一个声明不是 `package`，或有两个 `package`
E0119-title = 款或项未按顺序编号
E0120-title = 测试没有 `request`
E0121-title = 替换基础包的声明而未写 `override`
E0122-title = `override` 没有替换任何声明
E0123-title = `use` 的请求种类本包已自行决定，或所用的包并不决定
E0124-title = 位阶冲突（上位法优先）
E0125-title = 期间的终止早于开始，或版本顺序错乱
E0126-title = 所引条款在其法规施行期间没有有效的版本
E0127-title = 引文不在所引的文本之中
E0128-title = 未知的解释，或解释的对象是另一个解释
E0129-title = 法规的声明相互矛盾
E0130-title = 在预置库之外声明事实或申请种类
E0131-title = 测试所预期的内容，本政策包不会产生
W0001-title = 参数未被使用
W0002-title = 值未被使用，也未在决定中报告
W0003-title = 规则已引用的条款上有覆盖说明
W0101-title = 冲突：两条规则可能对同一请求作出不同的决定
W0102-title = 漏洞：有的请求没有任何规则作出决定
W0103-title = 规则的条件永远不能成立
W0104-title = 规则从不作出决定：凡其适用之处，例外均优先于它
W0105-title = 在本包法规施行期间，规则的依据均不在施行期间
W0106-title = 请求种类的条件过多，无法分析
W0107-title = 解释未被任何规则引用
W0108-title = `not_decidable` 覆盖说明把原因归于缺少的字段或事实
W0109-title = 决定书所显示的内容没有标签

# explain — 决定书（datalex explain）的用语。名称取自事实（机构、数据资源）和标签（请求类别、
# 角色、场景、枚举成员），此处只有文书的框架用语。

explain-title = { $kind }事项决定书
explain-title-plain = 公共数据事项决定书
explain-decision-id = 决定编号：
explain-jurisdiction = 适用辖区：
explain-applicant = 申请人：
explain-matter = 申请事项：
explain-date = 决定所依据的日期：

explain-section-decision = 一、决定
explain-section-reasons = 二、理由
explain-section-sources = 三、适用的法律依据
explain-section-obligations = 四、义务
explain-section-deadlines = 五、期限
explain-section-findings = 六、发现的问题
explain-section-remedies = 七、救济途径
explain-section-interpretations = 附：所采用的条文解释
explain-none = 无。

explain-effect-permit = 准予
explain-effect-deny = 不予
explain-effect-review = 待审核
explain-decision-permit = 准予。
explain-decision-deny = 不予。
explain-decision-review = 待审核。本申请须待下列期限、义务所列的答复或者审核作出后，方可办理。

explain-tier = 认定的{ $name }：{ $value }。
explain-basis = 依据：
explain-quote = { $label }：“{ $text }”
explain-quote-as-read = { $label }（按所采用的解释理解，见附）：“{ $text }”
explain-cite-only = { $label }
explain-quote-note = （{ $note }）

explain-party = { $role }：{ $who }
explain-party-role = { $role }
explain-until = 至{ $until }止。
explain-deadline-due = 期限届满日：{ $due }（自{ $start }的次日起计算，{ $count }）。
explain-working-days = { $n }个工作日
explain-calendar-days = { $n }日
explain-deadline-status = 状态：{ $status }。
explain-status-met = 已按期履行
explain-status-missed = 已逾期
explain-status-open = 待履行
explain-holidays = 不计入期限的法定节假日：{ $names }。
explain-workdays = 计入期限的调休工作日：{ $dates }。
explain-holiday-span = { $name }（{ $from }至{ $to }）
explain-holiday-day = { $name }（{ $day }）
explain-list-separator = 、

explain-severity-info = 提示
explain-severity-warning = 警示
explain-severity-violation = 违规
explain-finding = 【{ $severity }】关于{ $subject }
explain-finding-plain = 【{ $severity }】

explain-remedy-none = 本决定所适用的法律依据未就本事项规定救济途径。

explain-source = 《{ $title }》，{ $rank }，{ $period }。
explain-rank-unknown = 位阶未声明
explain-period-from = 自{ $from }起施行
explain-period-from-until = 自{ $from }起施行，至{ $until }止
explain-period-unknown = 施行日期不详
explain-period-unknown-until = 施行日期不详，至{ $until }止

explain-interpretation-of = 所解释的条文：{ $of }
explain-interpretation-says = 条文原文：“{ $says }”
explain-interpretation-means = 理解为：{ $means }
explain-interpretation-adopted = 由{ $by }于{ $on }采用。

explain-footer = 本决定书由 Datalex 依据政策版本 { $version } 生成。逐条规则的审查记录见本决定的 JSON 格式（datalex explain --format json）。

explain-date-format = { $y }年{ $m }月{ $d }日

explain-dataset = “{ $name }”
explain-dataset-unknown = 标识为 { $id } 的数据资源（目录中没有该数据资源）
explain-dataset-new = 新的数据资源
explain-institution-unknown = 标识为 { $id } 的机构（未登记为公共管理和服务机构）
explain-developer-unknown = 标识为 { $id } 的开发利用主体（未登记）
explain-open-requester = { $type }（标识：{ $id }）
explain-scenario-unlabelled = “{ $code }”

explain-matter-share = 申请共享{ $dataset }，应用场景：{ $scenario }。
explain-matter-open = 申请开放{ $dataset }。
explain-matter-develop = 申请在{ $environment }中开发利用{ $datasets }，应用场景：{ $scenario }。
explain-matter-catalog-change = 公共数据资源目录变更（{ $change }）：{ $dataset }；依据或者职能发生变化之日：{ $changed }；提出变更之日：{ $filed }。
explain-matter-collection = 收集公共数据。
explain-matter-collection-dataset = 收集公共数据，所涉目录条目：{ $dataset }。
explain-matter-grassroots = 由基层组织收集。
explain-matter-purchase = 购买社会数据：{ $description }。
explain-matter-purchase-fiscal = 利用财政资金购买社会数据：{ $description }。
explain-matter-objection = 对开放数据{ $dataset }提出异议或者建议。
explain-matter-demand = 提出数据需求，应用场景：{ $scenario }。
explain-matter-demand-dataset = 提出对{ $dataset }的数据需求，应用场景：{ $scenario }。
explain-matter-correction = 对{ $dataset }提出数据纠错。
explain-matter-product = 申请登记数据产品“{ $name }”。
explain-matter-it-project = 申报信息化项目“{ $project }”。

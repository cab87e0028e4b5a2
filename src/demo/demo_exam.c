/* demo_exam — a question bank on the basics of the party constitution (党章)
 * kept by the city, imported through the same reader and use case as an
 * office's file (the CSV below, read by the ledger readers with the exam
 * dictionary), and an exam drawn from it, open to every member for two months
 * from the demo's day, whose pass grants one 学时. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "core/day.h"
#include "demo/demo.h"
#include "study/exam.h"
#include "study/exam_store.h"

/* No ASCII comma inside a field: the texts use the full-width ，. */
static const char DEMO_BANK[] =
    "序号,题型,题目,选项A,选项B,选项C,选项D,选项E,选项F,答案,解析,分类\n"
    "1,单选题,中国共产党是中国工人阶级的先锋队，同时是（ ）的先锋队。,中国人民和中华民族,全体劳动者,农民阶级,知识分子,,,A,"
    "党章总纲：中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队。,党的性质\n"
    "2,单选题,党的最高理想和最终目标是（ ）。,实现共产主义,全面建成小康社会,基本实现社会主义现代化,实现中华民族伟大复兴,,,A,"
    "党章总纲：党的最高理想和最终目标是实现共产主义。,党的性质\n"
    "3,单选题,年满（ ）岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子，可以申请加入中国共产党。,十六,十八,二十,二十二,,,B,"
    "党章第一条：年满十八岁。,党员\n"
    "4,单选题,预备党员的预备期为（ ）。,半年,一年,两年,三年,,,B,党章第七条：预备党员的预备期为一年。,党员\n"
    "5,单选题,党是根据自己的纲领和章程，按照（ ）组织起来的统一整体。,民主集中制,集体领导制,首长负责制,少数服从多数,,,A,"
    "党章第十条：党是根据自己的纲领和章程，按照民主集中制组织起来的统一整体。,组织制度\n"
    "6,单选题,企业、农村、机关、学校等基层单位，凡是有正式党员（ ）人以上的，都应当成立党的基层组织。,三,五,七,十,,,A,"
    "党章第三十条：有正式党员三人以上的，都应当成立党的基层组织。,基层组织\n"
    "7,单选题,党的最高领导机关是（ ）。,党的全国代表大会和它所产生的中央委员会,中央政治局,中央书记处,中央军事委员会,,,A,"
    "党章第十条：党的最高领导机关，是党的全国代表大会和它所产生的中央委员会。,组织制度\n"
    "8,单选题,党员如果没有正当理由，连续（ ）个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党。,三,六,九,十二,,,B,"
    "党章第九条：连续六个月不参加党的组织生活、不交纳党费或不做党所分配的工作，被认为是自行脱党。,党员\n"
    "9,单选题,党的纪律处分有（ ）种。,三,四,五,六,,,C,"
    "党章第四十条：警告、严重警告、撤销党内职务、留党察看、开除党籍，共五种。,纪律\n"
    "10,单选题,留党察看最长不超过（ ）。,半年,一年,两年,三年,,,C,党章第四十条：留党察看最长不超过两年。,纪律\n"
    "11,多选题,下列属于党员义务的有（ ）。,认真学习马克思列宁主义、毛泽东思想和习近平新时代中国特色社会主义思想等,"
    "贯彻执行党的基本路线和各项方针、政策,坚持党和人民的利益高于一切,只对上级领导个人负责,,,ABC,"
    "党章第三条规定了党员的八项义务；党员对党负责、对人民负责，而不是只对领导个人负责。,党员\n"
    "12,多选题,党的纪律处分包括（ ）。,警告,严重警告,留党察看,罚款,,,ABC,党章第四十条：罚款不是党的纪律处分。,纪律\n"
    "13,多选题,“三会一课”中的“三会”是指（ ）。,支部党员大会,支部委员会,党小组会,职工代表大会,,,ABC,"
    "“三会一课”：定期召开支部党员大会、支部委员会、党小组会，按时上好党课。,组织生活\n"
    "14,多选题,党员要增强的“四个意识”是（ ）。,政治意识,大局意识,核心意识,看齐意识,,,ABCD,"
    "党章总纲：增强政治意识、大局意识、核心意识、看齐意识。,党的建设\n"
    "15,多选题,党的六项纪律包括（ ）。,政治纪律,组织纪律,廉洁纪律,群众纪律,工作纪律,生活纪律,ABCDEF,"
    "党的政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律、生活纪律。,纪律\n"
    "16,判断题,预备党员享有表决权、选举权和被选举权。,,,,,,,错,"
    "党章第七条：预备党员的权利，除了没有表决权、选举权和被选举权以外，也同正式党员一样。,党员\n"
    "17,判断题,每个党员，不论职务高低，都必须编入党的一个支部、小组或其他特定组织，参加党的组织生活。,,,,,,,对,党章第八条。,组织生活\n"
    "18,判断题,党员有退党的自由。,,,,,,,对,党章第九条：党员有退党的自由。党员要求退党，应当经支部大会讨论后宣布除名。,党员\n"
    "19,判断题,中国共产党以马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、科学发展观、习近平新时代中国特色社会主义思想作为自己的行动指南。,,,,,,,对,"
    "党章总纲。,党的性质\n"
    "20,判断题,党员领导干部可以不参加所在支部的组织生活。,,,,,,,×,"
    "党章第八条：每个党员，不论职务高低，都必须参加党的组织生活；领导干部还必须参加党委、党组的民主生活会。,组织生活\n";

st demo_exam_fill(demo_ctx *c, err *e) {
    ledger_read_opts o = {.header_field = exam_header_field, .header_hint = "“题型”“题目”", .max_cell_text = 1 << 20};
    ledger_table *t = NULL;
    st s = ledger_table_read_mem("党章基础知识题库.csv", DEMO_BANK, sizeof DEMO_BANK - 1, &o, &t, e);
    if (s) return s;
    int64_t bank = 0, exam = 0;
    json_t *problems = NULL;
    s = exam_store_bank_import(&c->use, t, "党章基础知识", NULL, &bank, &problems, e);
    ledger_table_free(t);
    json_decref(problems);
    if (s) return s;
    char from[11], to[11];
    clock_day(clock_now(), from);
    day_add(from, 60, to);
    exam_new n = {.title = "党章基础知识测试", .bank_id = bank, .n_single = 5, .n_multiple = 3, .n_judge = 2, .minutes = 15,
                  .pass_score = 60, .attempts = 2, .audience = "all", .opens_on = from, .closes_on = to, .credit_minutes = 60,
                  .credit_category = "理论学习"};
    s = exam_store_create(&c->use, &n, &exam, e);
    if (!s) s = exam_store_set_state(&c->use, exam, "open", e);
    return s;
}

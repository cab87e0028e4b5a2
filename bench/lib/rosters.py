#!/usr/bin/python3
"""bench/lib/rosters.py — party-member rosters (党员花名册, xlsx) for bench/members.

    rosters.py ROWS OUT_DIR [SEED]

Writes OUT_DIR/*.xlsx, one file per branch, ROWS data rows in all: most branches
send tens of members (8–60), one in fifteen a hundred or more (100–400).  Each file
is named and titled after its branch ("中共厦门…有限公司支部委员会党员花名册"), has a
title row and a date row above the header, and the columns and habits branches
have: 序号 姓名 性别 公民身份号码 民族 出生日期 学历 人员类别 入党日期 转正日期 工作岗位
联系电话; dates as text in several forms or as date cells, an old 15-digit number
now and then, a stray space or a lower-case x.  About 1.5 % of rows carry an ID
number that cannot be valid and 1 % repeat someone another branch lists (both
refused by the import).  Deterministic for a seed.  Needs openpyxl (scripts/deps).
"""
import datetime as dt
import os
import random
import sys

import openpyxl

SUR = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦'
GIV = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鑫斌宇浩凯健俊帆帅旭宁晨婷欣怡佳琪思雨萱博文涵辰睿志鹏海峰建国晓'
EDU = ['大学本科'] * 11 + ['研究生'] * 3 + ['大学专科'] * 4 + ['中专', '高中']
POSTS = ['软件工程师', '产品经理', '运营专员', '测试工程师', '财务', '人事行政', '销售经理', '客服', '设计师', '部门经理']
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
REGIONS = ['350203', '350205', '350206', '350211', '350212', '350213', '350102', '350582', '350681', '440305']
HEAD = ['序号', '姓名', '性别', '公民身份号码', '民族', '出生日期', '学历', '人员类别', '入党日期', '转正日期', '工作岗位', '联系电话']


def check(body):
    return '10X98765432'[sum(int(c) * w for c, w in zip(body, W)) % 11]


def fmt(rnd, d, style):
    if d is None:
        return None
    if style == 'cell':
        return dt.datetime(d.year, d.month, d.day)
    return {'iso': d.isoformat(), 'dot': '%d.%02d.%02d' % (d.year, d.month, d.day),
            'cn': '%d年%d月%d日' % (d.year, d.month, d.day), 'compact': d.strftime('%Y%m%d')}[style]


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    os.makedirs(out, exist_ok=True)
    today = dt.date(2026, 6, 30)
    used, people, left, b = set(), [], rows, 0
    while left > 0:
        b += 1
        size = rnd.randint(100, 400) if rnd.random() < 1 / 15 else rnd.randint(8, 60)
        size = min(size, left)
        left -= size
        name = '中共厦门基准%05d信息技术有限公司%s' % (b, '委员会' if size >= 100 else '支部委员会')
        style = rnd.choice(['iso', 'dot', 'cn', 'compact', 'cell'])
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet('花名册')
        ws.append([name + '党员花名册'])
        ws.append(['填报日期：2026年6月30日'])
        ws.append(HEAD)
        for n in range(1, size + 1):
            r = rnd.random()
            if people and r < 0.01:          # someone another branch lists too
                p = rnd.choice(people)
            else:
                while True:
                    birth = dt.date(1955, 1, 1) + dt.timedelta(days=rnd.randrange(365 * 46))
                    body = rnd.choice(REGIONS) + birth.strftime('%Y%m%d') + '%03d' % rnd.randrange(1000)
                    if body not in used:
                        used.add(body)
                        break
                joined = min(birth + dt.timedelta(days=365 * 18 + rnd.randrange(365 * 20)), today - dt.timedelta(days=400))
                probation = rnd.random() < 0.05
                if probation:
                    joined = today - dt.timedelta(days=rnd.randrange(30, 330))
                p = {'name': rnd.choice(SUR) + ''.join(rnd.choice(GIV) for _ in range(rnd.choice([1, 2, 2]))),
                     'id': body + check(body), 'male': int(body[16]) % 2 == 1, 'birth': birth,
                     'ethnic': '汉族' if rnd.random() < 0.95 else rnd.choice(['畲族', '回族', '满族']),
                     'edu': rnd.choice(EDU), 'joined': joined, 'full': None if probation else joined + dt.timedelta(days=365),
                     'post': rnd.choice(POSTS), 'phone': '1%d%09d' % (rnd.choice([3, 5, 8]), rnd.randrange(10 ** 9))}
                people.append(p)
            idv = p['id']
            if r > 0.985:                     # a number that cannot be valid
                idv = idv[:17] + ('0' if idv[17] != '0' else '1')
            elif r > 0.95 and p['birth'].year < 2000:
                idv = idv[:6] + idv[8:17]     # the old 15-digit number
            elif r > 0.93:
                idv = ' ' + idv.lower() + ' '
            ws.append([n, p['name'], '男' if p['male'] else '女', idv, p['ethnic'], fmt(rnd, p['birth'], style), p['edu'],
                       '正式党员' if p['full'] else '预备党员', fmt(rnd, p['joined'], style), fmt(rnd, p['full'], style),
                       p['post'], p['phone']])
        wb.save(os.path.join(out, name + '党员花名册.xlsx'))
    print('%d rows in %d files -> %s' % (rows, b, out))


if __name__ == '__main__':
    main()

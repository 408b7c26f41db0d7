using System.Text;

namespace Bpm.Engine.Tests;

/// <summary>Small, valid definitions for engine scenarios, each under its own power code so tests never share versions.</summary>
public static class TestDefinitions
{
    public static string NewCode() => "XK99" + Random.Shared.Next(0, 1_000_000).ToString("D6");

    /// <summary>
    /// 受理 (受理/不予受理/补正) → 分流 (a decision) → 并联审查 with branches a (a1), b (b1 → b2) and c (a nested
    /// all-join of c1t and c2t) → 汇总决定 by the lead → end. The decision refuses when <paramref name="refuseWhen"/> holds.
    /// </summary>
    public static string Joint(string code, string join = "all", int? quorum = null, string refuseWhen = "data.amount > 1000000")
    {
        var yaml = new StringBuilder($$"""
            power:
              code: {{code}}
              name: 测试并联审批
              category: 行政许可
              subject: 测试县人民政府
              handling: 承诺件
              fees: []
              basis:
                - {law: 测试条例, articles: 第一条}
            limits:
              legal: 20 工作日
              promised: 10 工作日
            nodes:
              - {id: start, kind: start, name: 申请}
              - id: accept
                kind: task
                name: 受理
                department: 窗口
                role: 受理员
                outcomes: [受理, 不予受理, 补正]
                form:
                  - {key: amount, label: 金额, type: number, required: true}
                  - {key: rejectReason, label: 不予受理理由, type: text}
              - {id: route, kind: decision, name: 分流}
              - id: review
                kind: parallel
                name: 并联审查
                lead: 牵头局
                join: {{join}}

            """);
        if (quorum is { } q) yaml.AppendLine($"    quorum: {q}");
        yaml.Append($$$"""
                branches:
                  - id: a
                    name: 甲
                    nodes:
                      - {id: a1, kind: task, name: 甲审查, department: 甲局, role: 审查员}
                  - id: b
                    name: 乙
                    nodes:
                      - {id: b1, kind: task, name: 乙审查, department: 乙局, role: 审查员}
                      - {id: b2, kind: task, name: 乙审核, department: 乙局, role: 负责人}
                  - id: c
                    name: 丙
                    nodes:
                      - id: inner
                        kind: parallel
                        name: 丙内部会审
                        lead: 丙局
                        join: all
                        branches:
                          - id: c1
                            name: 丙一
                            nodes: [{id: c1t, kind: task, name: 丙一审查, department: 丙一科, role: 审查员}]
                          - id: c2
                            name: 丙二
                            nodes: [{id: c2t, kind: task, name: 丙二审查, department: 丙二科, role: 审查员}]
              - {id: consolidate, kind: task, name: 汇总决定, department: 牵头局, role: 负责人, outcomes: [准予, 不予]}
              - {id: refusal-notice, kind: service, name: 送达不予许可决定书, action: render-document, template: refusal}
              - {id: granted, kind: end, name: 准予, result: 准予}
              - {id: refused, kind: end, name: 不予, result: 不予}
              - {id: not-accepted, kind: end, name: 不予受理, result: 不予受理}
            flows:
              - {from: start, to: accept}
              - {from: accept, to: route, on: 受理}
              - {from: accept, to: not-accepted, on: 不予受理}
              - {from: accept, to: accept, on: 补正}
              - {from: route, to: refusal-notice, when: "{{{refuseWhen}}}"}
              - {from: route, to: review, default: true}
              - {from: review, to: consolidate, on: 同意}
              - {from: review, to: refusal-notice, on: 不同意}
              - {from: consolidate, to: granted, on: 准予}
              - {from: consolidate, to: refusal-notice, on: 不予}
              - {from: refusal-notice, to: refused}
            templates:
              - id: refusal
                name: 不予许可决定书
                body: "{{applicant.name}}：你申请的{{power.name}}（金额{{data.amount}}元），经审查不予许可。意见：{{opinion}}"

            """);
        return yaml.ToString();
    }

    /// <summary>
    /// A licence with every clock: promised 5 / legal 10 working days, one extension of up to 5, a 5-day supplement
    /// notice period, a certificate clock; 受理 (1 wd) → 审查 (3 wd, 检验 may stop the clock, 10-wd budget) → 决定 → 制证.
    /// </summary>
    public static string Timed(string code) => $$"""
        power:
          code: {{code}}
          name: 测试计时许可
          category: 行政许可
          subject: 测试县市场监督管理局
          handling: 承诺件
          fees: []
          basis:
            - {law: 中华人民共和国行政许可法, articles: 第四十二条}
        limits:
          legal: 10 工作日
          promised: 5 工作日
          extension: {max: 5 工作日, approver: 本机关负责人}
          supplementNotice: 5 工作日
          certificate: 5 工作日
        nodes:
          - {id: start, kind: start, name: 申请}
          - {id: accept, kind: task, name: 受理, department: 窗口, role: 受理员, limit: 1 工作日, outcomes: [受理, 不予受理, 补正]}
          - {id: review, kind: task, name: 审查, department: 许可股, role: 审查员, limit: 3 工作日}
          - {id: decide, kind: task, name: 决定, department: 许可股, role: 负责人, limit: 1 工作日, outcomes: [准予, 不予]}
          - {id: certify, kind: task, name: 制证, department: 许可股, role: 制证员, limit: 1 工作日, outcomes: [同意]}
          - {id: granted, kind: end, name: 准予, result: 准予}
          - {id: refused, kind: end, name: 不予, result: 不予}
          - {id: not-accepted, kind: end, name: 不予受理, result: 不予受理}
        flows:
          - {from: start, to: accept}
          - {from: accept, to: review, on: 受理}
          - {from: accept, to: not-accepted, on: 不予受理}
          - {from: accept, to: accept, on: 补正}
          - {from: review, to: decide, on: 同意}
          - {from: review, to: refused, on: 不同意}
          - {from: decide, to: certify, on: 准予}
          - {from: decide, to: refused, on: 不予}
          - {from: certify, to: granted}
        specialProcedures:
          - {kind: 检验, effect: stop-clock, budget: 10 工作日, ref: 行政许可法第四十五条, nodes: [review]}

        """;

    /// <summary>Two departments in parallel; the second is deemed to consent after 5 working days of silence.</summary>
    public static string Silent(string code) => $$"""
        power:
          code: {{code}}
          name: 测试沉默同意
          category: 行政许可
          subject: 测试县发展和改革局
          handling: 承诺件
          fees: []
          basis:
            - {law: 企业投资项目核准和备案管理条例, articles: 第十一条}
        limits:
          legal: 20 工作日
          promised: 15 工作日
        nodes:
          - {id: start, kind: start, name: 申请}
          - {id: accept, kind: task, name: 受理, department: 发改局, role: 受理员, outcomes: [受理, 不予受理]}
          - id: opinions
            kind: parallel
            name: 征求部门意见
            lead: 发改局
            join: all
            branches:
              - {id: nr, name: 自然资源, nodes: [{id: nr-opinion, kind: task, name: 自然资源意见, department: 自然资源局, role: 审查员}]}
              - {id: env, name: 生态环境, silence: 5 工作日, nodes: [{id: env-opinion, kind: task, name: 生态环境意见, department: 生态环境局, role: 审查员}]}
          - {id: decide, kind: task, name: 核准决定, department: 发改局, role: 负责人, outcomes: [准予, 不予]}
          - {id: granted, kind: end, name: 核准, result: 准予}
          - {id: refused, kind: end, name: 不予核准, result: 不予}
          - {id: not-accepted, kind: end, name: 不予受理, result: 不予受理}
        flows:
          - {from: start, to: accept}
          - {from: accept, to: opinions, on: 受理}
          - {from: accept, to: not-accepted, on: 不予受理}
          - {from: opinions, to: decide, on: 同意}
          - {from: opinions, to: refused, on: 不同意}
          - {from: decide, to: granted, on: 准予}
          - {from: decide, to: refused, on: 不予}

        """;
}

using Bpm.Definitions.Model;
using Bpm.Engine.Time;
using Microsoft.Extensions.Configuration;

namespace Bpm.Server.Hosting;

/// <summary>
/// The supervision policy's configurable parts (domain.md [P] items), under <c>Bpm:Supervision</c>: Supervisor (the
/// supervising body orders come from and complaints go to), PointsCapPerMonth,
/// AnswerWithinWorkingDays (督办), RectifyWithinWorkingDays (差评整改), Grades:Base|Excellent|Good|Pass (quarterly
/// grade thresholds), and RuleHits:&lt;rule&gt;:Supervise (whether a 预警纠错 rule opens a 督办). Anything not set keeps
/// the default of <see cref="SupervisionPolicy"/>.
/// </summary>
public static class SupervisionSettings
{
    public static SupervisionPolicy From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Bpm:Supervision");
        var policy = new SupervisionPolicy();
        var grades = section.GetSection("Grades");
        var ruleHits = policy.RuleHits.ToDictionary(
            r => r.Key,
            r => r.Value with { Supervise = section.GetValue($"RuleHits:{r.Key}:Supervise", r.Value.Supervise) });
        return policy with
        {
            Supervisor = section["Supervisor"] ?? policy.Supervisor,
            PointsCapPerMonth = section.GetValue("PointsCapPerMonth", policy.PointsCapPerMonth),
            SupervisionAnswerPeriod = new Duration(section.GetValue("AnswerWithinWorkingDays", policy.SupervisionAnswerPeriod.Value), TimeUnit.WorkingDay),
            RectifyWithin = new Duration(section.GetValue("RectifyWithinWorkingDays", policy.RectifyWithin.Value), TimeUnit.WorkingDay),
            Grades = new QuarterGrades
            {
                Base = grades.GetValue("Base", policy.Grades.Base),
                Excellent = grades.GetValue("Excellent", policy.Grades.Excellent),
                Good = grades.GetValue("Good", policy.Grades.Good),
                Pass = grades.GetValue("Pass", policy.Grades.Pass),
            },
            RuleHits = ruleHits,
        };
    }
}

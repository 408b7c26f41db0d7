using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;

namespace Bpm.Engine.Commands;

/// <summary>
/// 好差评: the applicant rates the case after 受理 or after 办结, once per stage (一事一评), 1–5 with text. A 差评
/// (不满意 2 / 非常不满意 1) opens a 差评整改 item for the department that handled the stage, with its own deadline (the
/// policy's, 15 working days by default), light and timer, and costs the department the rule table's points.
/// </summary>
public sealed record RateCase(Guid CaseId, Actor Applicant, RatingStage Stage, int Score, string? Text, string Channel) : CaseIdCommand(CaseId, Applicant)
{
    public override string Name => "rate";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (Actor.Id != run.Case.ApplicantId) throw new ForbiddenException("not-the-applicant", "only the applicant rates a case");
        if (Score is < 1 or > 5) throw new CommandRejectedException("bad-score", "a rating is 1 (非常不满意) to 5 (非常满意)");
        if (string.IsNullOrWhiteSpace(Channel)) throw new CommandRejectedException("channel-required", "name the channel the rating came through (评价渠道)");
        if (Stage == RatingStage.Accepted && run.Case.AcceptedAt is null)
            throw new StateConflictException("not-accepted", "the case has not been accepted (受理) yet; there is nothing to rate");
        if (Stage == RatingStage.Completed && run.Case.Status != CaseStatus.Completed)
            throw new StateConflictException("not-completed", "the case is not 办结 yet; rate the acceptance, or wait for the result");
        var ratings = await run.Session.LoadRatingsAsync(run.Case.Id, cancellationToken);
        if (ratings.Any(r => r.Stage == Stage))
            throw new StateConflictException("already-rated", $"the {(Stage == RatingStage.Accepted ? "受理" : "办结")} of this case has been rated already (一事一评)");

        var department = await DepartmentOfAsync(run, cancellationToken);
        var rating = new Rating
        {
            Id = Guid.CreateVersion7(), CaseId = run.Case.Id, PowerCode = run.Case.PowerCode, Stage = Stage, Score = Score,
            Text = string.IsNullOrWhiteSpace(Text) ? null : Text.Trim(), Channel = Channel.Trim(), RatedAt = run.Now, Department = department,
        };
        run.Session.Add(rating);
        run.Journal("rated", null, new { rating = rating.Id, stage = Stage.ToString(), score = Score, text = rating.Text, channel = rating.Channel, department });
        if (!rating.IsBad) return;

        rating.Rectification = RectificationStatus.Open;
        rating.RectifyLight = Light.Green;
        run.Clock.Charge("bad-rating", department);
        if (run.Clock.Enabled)
        {
            var time = run.Clock.Time;
            rating.RectifyDue = time.DueAt(run.Now, time.Policy.RectifyWithin);
            // Its own light: yellow at the policy's warning threshold (as a case's), red when the deadline passes.
            run.Clock.Schedule(TimerKind.RectificationWarning, time.WarnAt(run.Now, rating.RectifyDue.Value, time.Policy.RectifyWithin, null), subject: rating.Id);
            run.Clock.Schedule(TimerKind.RectificationDue, rating.RectifyDue.Value, subject: rating.Id);
            run.Clock.Notify("bad-rating", department, rating.RectifyDue, Light.Yellow, null, null);
        }
        run.Journal("rectification-opened", null, new { rating = rating.Id, department, due = rating.RectifyDue });
    }

    /// <summary>Who the rating is about: 受理 → the department of the acceptance step; 办结 → the 实施主体.</summary>
    private async Task<string> DepartmentOfAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (Stage == RatingStage.Accepted && run.Model.AcceptanceNodeId is { } acceptance)
        {
            var visits = await run.Session.LoadVisitsAsync(run.Case.Id, cancellationToken);
            if (visits.LastOrDefault(v => v.NodeId == acceptance && v.Department is not null)?.Department is { } department) return department;
        }
        return run.Model.Definition.Power.Subject;
    }
}

/// <summary>差评整改: the department records what it rectified and the applicant's answer when called back (回访, mandatory).</summary>
public sealed record RectifyRating(Guid CaseId, Guid RatingId, Actor Actor, string Rectification, string Revisit) : CaseIdCommand(CaseId, Actor)
{
    public override string Name => "rectify-rating";

    internal override async Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Rectification) || string.IsNullOrWhiteSpace(Revisit))
            throw new CommandRejectedException("rectification-incomplete", "a 差评整改 records what was rectified and the applicant's answer on the call back (回访)");
        var rating = await run.Session.FindRatingAsync(RatingId, cancellationToken);
        if (rating is null || rating.CaseId != run.Case.Id) throw new NotFoundException("rating", $"rating {RatingId} does not exist on this case");
        if (rating.Rectification is not (RectificationStatus.Open or RectificationStatus.Overdue))
            throw new StateConflictException("no-open-rectification", $"rating {RatingId} has no open 差评整改 ({rating.Rectification})");
        if (Actor.Department is { } department && department != rating.Department)
            throw new ForbiddenException("other-department", $"the 差评整改 is addressed to {rating.Department}, not {department}");
        var late = rating.Rectification == RectificationStatus.Overdue;
        rating.Rectification = RectificationStatus.Done;
        rating.RectifiedAt = run.Now;
        rating.RectifiedBy = Actor.Id;
        rating.RectificationText = Rectification.Trim();
        rating.Revisit = Revisit.Trim();
        run.Clock.Cancel(t => t.SubjectId == rating.Id);
        run.Journal("rectified", null, new { rating = rating.Id, rectification = rating.RectificationText, revisit = rating.Revisit, late });
    }
}

/// <summary>What the 差评整改 timers do: an item still open turns yellow at the warning threshold, and red at its deadline with a 预警 and points.</summary>
internal static class RatingEffects
{
    public static async Task RectificationTimerAsync(CaseRun run, CaseTimer timer, CancellationToken cancellationToken)
    {
        if (timer.SubjectId is not { } id || await run.Session.FindRatingAsync(id, cancellationToken) is not { } rating) return;
        if (rating.Rectification != RectificationStatus.Open) return;
        if (timer.Kind == TimerKind.RectificationWarning)
        {
            if (rating.RectifyLight >= Light.Yellow) return;
            rating.RectifyLight = Light.Yellow;
            run.Journal("rectification-yellow", null, new { rating = rating.Id, department = rating.Department, due = rating.RectifyDue });
            return;
        }
        rating.Rectification = RectificationStatus.Overdue;
        rating.RectifyLight = Light.Red;
        run.Journal("rectification-overdue", null, new { rating = rating.Id, department = rating.Department, due = rating.RectifyDue });
        run.Clock.Warn("bad-rating-overdue", Light.Red, "差评整改逾期未完成", null, rating.Department);
        run.Clock.Charge("bad-rating-overdue", rating.Department);
    }
}

/// <summary>
/// 投诉 against a case: recorded with the case and routed to the supervising body (监察机构) through the notifications
/// outbox. A complaint against a department with no case is recorded by the server on its own (there is no case journal).
/// </summary>
public sealed record FileComplaint(Guid CaseId, Actor Receiver, string Complainant, string Content) : CaseIdCommand(CaseId, Receiver)
{
    public string? Contact { get; init; }
    /// <summary>The department complained about; the 实施主体 when not named.</summary>
    public string? Department { get; init; }

    public override string Name => "file-complaint";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(Complainant) || string.IsNullOrWhiteSpace(Content))
            throw new CommandRejectedException("complaint-incomplete", "a complaint names the complainant and what it is about");
        var supervisor = (run.Services.Time?.Policy ?? new SupervisionPolicy()).Supervisor;
        var complaint = new Complaint
        {
            Id = Guid.CreateVersion7(), CaseId = run.Case.Id, Department = string.IsNullOrWhiteSpace(Department) ? run.Model.Definition.Power.Subject : Department.Trim(),
            Complainant = Complainant.Trim(), Contact = Contact, Content = Content.Trim(), RoutedTo = supervisor, ReceivedBy = Actor.Id, ReceivedAt = run.Now,
        };
        run.Session.Add(complaint);
        run.Journal("complaint-filed", null, new { complaint = complaint.Id, department = complaint.Department, complainant = complaint.Complainant, content = complaint.Content, routedTo = supervisor });
        run.Clock.Notify("complaint", supervisor, null, run.Case.Light, null, null);
        return Task.CompletedTask;
    }
}

/// <summary>
/// 收费: records a fee charged on the case (rule 30). The charge is kept as it happened; charging on a power the catalog
/// lists as free, for an item it does not list, or above the listed standard amount is a 预警纠错 hit (违规收费).
/// </summary>
public sealed record RecordFee(Guid CaseId, Actor Actor, string FeeName, decimal Amount, string Payer) : CaseIdCommand(CaseId, Actor)
{
    public string? Basis { get; init; }

    public override string Name => "record-fee";

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(FeeName) || string.IsNullOrWhiteSpace(Payer))
            throw new CommandRejectedException("fee-incomplete", "a fee names the item charged (收费项目) and who paid (缴费人)");
        if (Amount <= 0) throw new CommandRejectedException("bad-amount", "a fee is a positive amount in yuan");
        var department = Actor.Department ?? run.Model.Definition.Power.Subject;
        var fees = run.Model.Definition.Power.Fees;
        var listed = fees.FirstOrDefault(f => f.Name == FeeName.Trim());
        var charge = new FeeCharge
        {
            Id = Guid.CreateVersion7(), CaseId = run.Case.Id, Name = FeeName.Trim(), Basis = Basis ?? listed?.Basis ?? "", Amount = Amount,
            Payer = Payer.Trim(), ChargedBy = Actor.Id, Department = department, At = run.Now,
        };
        run.Session.Add(charge);
        run.Journal("fee-charged", null, new { fee = charge.Id, name = charge.Name, basis = charge.Basis, amount = Amount, payer = charge.Payer, department });
        if (fees.Count == 0)
            run.Clock.Hit(OversightRules.FeeOnFreePower, $"{run.Model.Definition.Power.Name}不收费，却收取「{charge.Name}」{Amount} 元", null, department);
        else if (listed is null)
            run.Clock.Hit(OversightRules.FeeOnFreePower, $"「{charge.Name}」不在本事项收费目录（{string.Join("、", fees.Select(f => f.Name))}）内，收取 {Amount} 元", null, department);
        else if (listed.Amount is { } standard && Amount > standard)
            run.Clock.Hit(OversightRules.FeeAboveStandard, $"「{charge.Name}」收取 {Amount} 元，超过标准 {standard} 元", null, department);
        return Task.CompletedTask;
    }
}

namespace FlutHilfe.Domain.Appeals.Closing;

public sealed record CloseAppeal(string AppealId, string Reason);

public sealed record AppealClosed(string AppealId, string Reason, DateTimeOffset ClosedAt);

public static class ClosingDecision
{
    public static IReadOnlyList<object> Decide(CloseAppeal command, Appeal appeal, DateTimeOffset now)
        => appeal.IsClosed ? [] : [new AppealClosed(appeal.Slug, command.Reason, now)];
}

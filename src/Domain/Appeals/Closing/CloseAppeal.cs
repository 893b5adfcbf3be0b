using FlutHilfe.Domain.Appeals.Closing;

namespace FlutHilfe.Domain.Appeals;

/// <summary>No new pledges. Closing a closed appeal decides nothing.</summary>
public sealed record CloseAppeal(string AppealId, string Reason, DateTimeOffset ClosedAt)
{
    public Guid AppealStreamId => AppealStream.IdFor(AppealId);
}

public static partial class AppealDecider
{
    public static IReadOnlyList<object> Decide(CloseAppeal command, Appeal? appeal)
        => Existing(appeal, command.AppealId).IsClosed ? [] : [new AppealClosed(command.AppealId, command.Reason, command.ClosedAt)];
}

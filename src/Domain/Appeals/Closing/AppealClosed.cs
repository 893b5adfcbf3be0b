using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Appeals.Closing;

/// <summary>The appeal takes no new pledges from <see cref="ClosedAt"/> on.</summary>
public sealed record AppealClosed(string AppealId, string Reason, DateTimeOffset ClosedAt) : IEventOf<Appeal>, IAppealEvent;

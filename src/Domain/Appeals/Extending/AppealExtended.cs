using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Appeals.Extending;

public sealed record MunicipalityAdded(string AppealId, Municipality Municipality, DateTimeOffset AddedAt) : IEventOf<Appeal>, IAppealEvent;

public sealed record PurposeAdded(string AppealId, Purpose Purpose, DateTimeOffset AddedAt) : IEventOf<Appeal>, IAppealEvent;

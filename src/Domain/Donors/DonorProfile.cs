namespace FlutHilfe.Domain.Donors;

/// <summary>
/// Personal data of a donor, kept apart from the event log (DESIGN §9): events carry only
/// <see cref="Id"/>. Erasing a donor deletes this record and leaves every amount replayable.
/// </summary>
public sealed record DonorProfile(
    Guid Id,
    string? Name,
    string? Street,
    string? PostalCode,
    string? City,
    string Country,
    string? Email,
    DateTimeOffset RecordedAt)
{
    public bool HasPostalAddress => Name is not null && Street is not null && PostalCode is not null && City is not null;
}

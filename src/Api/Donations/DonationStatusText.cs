using FlutHilfe.Domain.Donations;

namespace FlutHilfe.Api.Donations;

/// <summary>A donation's status as every answer of the API writes it.</summary>
public static class DonationStatusText
{
    public static string Of(DonationStatus status) => status switch
    {
        DonationStatus.Pledged => "pledged",
        DonationStatus.PartlyPaid => "partly paid",
        DonationStatus.Paid => "paid",
        DonationStatus.Returned => "returned",
        DonationStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}

using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using FlutHilfe.Api.Appeals;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Donations.Reminding;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Replaying;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Audit.Iati;

/// <summary>Who reports to IATI: the organisation identifier (see org-id.guide) and its IATI organisation type.</summary>
public sealed class IatiOptions
{
    /// <summary>The reporting organisation's IATI identifier; the placeholder must be replaced before publishing.</summary>
    public string ReportingOrgRef { get; set; } = "XX-FLUTHILFE-ZWECKVERBAND";
    /// <summary>IATI OrganisationType: 15 = Other Public Sector (a Zweckverband is a public-law body).</summary>
    public string ReportingOrgType { get; set; } = "15";
}

/// <summary>
/// The appeal as one IATI activity (activity standard 2.03) with its money as transactions, by business date:
/// 11 incoming commitment = pledges (one sum per day, never per donor), 1 incoming funds = money received net of undone
/// matches and bank returns (one sum per booking date), 2 outgoing commitment = each allocation (a withdrawal as a negative
/// commitment), 3 disbursement = each transfer to a municipality (unused money paid back as a negative disbursement),
/// 4 expenditure = each spending item still counted (no payee: payees may be persons). No donor, payer or payee appears.
/// </summary>
public static class IatiExport
{
    public const string Version = "2.03";
    public const string ContentType = "application/xml; charset=utf-8";
    private static readonly XNamespace Xml = XNamespace.Xml;

    [WolverineGet("/api/appeals/{appealId}/iati.xml", OperationId = "getIatiActivity")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("The appeal as an IATI activity (standard 2.03) with its transactions, no personal data (treasurer, auditor)")]
    [ProducesResponseType<string>(200, "application/xml")]
    public static async Task<IResult> Get(string appealId, IQuerySession session, IConfiguration configuration, TimeProvider clock, CancellationToken ct)
    {
        var appeal = await AppealLookup.LoadAsync(session, appealId, ct);
        var options = configuration.GetSection("Iati").Get<IatiOptions>() ?? new IatiOptions();
        var events = (await AsOfReplay.LoadAsync<IAppealEvent>(session, null, ct)).Where(e => ((IAppealEvent)e.Data).AppealId == appealId).ToList();
        var xml = Write(appeal, events, options, clock.GetUtcNow());
        var bytes = new UTF8Encoding(false).GetBytes(xml.Declaration + "\n" + xml.ToString(SaveOptions.None));
        return Results.File(bytes, ContentType, $"iati-{appealId}.xml");
    }

    public static XDocument Write(Appeal appeal, IReadOnlyList<IEvent> events, IatiOptions options, DateTimeOffset now)
    {
        var dates = BusinessDates.Of(events);
        var lastUpdated = events.Count > 0 ? events.Max(e => e.Timestamp) : appeal.OpenedAt;
        var activity = new XElement("iati-activity",
            new XAttribute("last-updated-datetime", Instant(lastUpdated)),
            new XAttribute(Xml + "lang", "de"),
            new XAttribute("default-currency", "EUR"),
            new XElement("iati-identifier", $"{options.ReportingOrgRef}-{appeal.AppealId}"),
            new XElement("reporting-org", new XAttribute("ref", options.ReportingOrgRef), new XAttribute("type", options.ReportingOrgType),
                Narrative(appeal.Issuer.Name)),
            new XElement("title", Narrative(appeal.Title)),
            new XElement("description", new XAttribute("type", "1"), Narrative(string.IsNullOrWhiteSpace(appeal.Description) ? appeal.Title : appeal.Description)),
            // Role 2: accountable (the Zweckverband); role 4: implementing (the municipalities that receive the money).
            new XElement("participating-org", new XAttribute("ref", options.ReportingOrgRef), new XAttribute("role", "2"),
                new XAttribute("type", options.ReportingOrgType), Narrative(appeal.Issuer.Name)),
            appeal.Municipalities.Select(m => new XElement("participating-org", new XAttribute("role", "4"), new XAttribute("type", "10"), Narrative(m.Name))),
            // Activity status 2 = implementation, 3 = finalisation (the appeal takes no more pledges).
            new XElement("activity-status", new XAttribute("code", appeal.IsClosed ? "3" : "2")),
            // Activity date type 2 = actual start.
            new XElement("activity-date", new XAttribute("type", "2"), new XAttribute("iso-date", IsoDate(GermanDate.DayOf(appeal.OpenedAt)))),
            new XElement("recipient-country", new XAttribute("code", "DE")),
            Transactions(appeal, events, dates).Select(t => t.ToXml(appeal.Issuer.Name)));
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("iati-activities", new XAttribute("version", Version), new XAttribute("generated-datetime", Instant(now)), activity));
    }

    private sealed record Transaction(string Type, DateOnly Date, Money Value, string Description, string? Receiver, string? Ref = null)
    {
        public XElement ToXml(string issuer) => new("transaction",
            Ref is null ? null : new XAttribute("ref", Ref),
            new XElement("transaction-type", new XAttribute("code", Type)),
            new XElement("transaction-date", new XAttribute("iso-date", IsoDate(Date))),
            new XElement("value", new XAttribute("currency", "EUR"), new XAttribute("value-date", IsoDate(Date)),
                (Value.Cents / 100m).ToString("0.00", CultureInfo.InvariantCulture)),
            new XElement("description", Narrative(Description)),
            // Incoming money comes from donors (never named); outgoing money leaves the Zweckverband for a municipality.
            Type is "11" or "1" ? null : new XElement("provider-org", Narrative(issuer)),
            Receiver is null ? null : new XElement("receiver-org", Narrative(Receiver)));
    }

    private static IEnumerable<Transaction> Transactions(Appeal appeal, IReadOnlyList<IEvent> events, IReadOnlyList<DateOnly> dates)
    {
        string Town(string id) => appeal.FindMunicipality(id)?.Name ?? id;
        string Purpose(string? id) => id is null ? "jeder Zweck" : appeal.FindPurpose(id)?.Name ?? id;

        var pledged = new SortedDictionary<DateOnly, (Money Sum, int Count)>();
        var received = new SortedDictionary<DateOnly, Money>();
        // Expired pledges leave the incoming commitments on their expiry day; money that still came for one brings it back.
        var lapsed = new SortedDictionary<DateOnly, (Money Sum, int Count)>();
        var withdrawnItems = events.Select(e => e.Data).OfType<SpendingWithdrawn>().Select(w => w.ItemId).ToHashSet();
        var list = new List<Transaction>();
        for (var i = 0; i < events.Count; i++)
        {
            var day = dates[i];
            switch (events[i].Data)
            {
                case DonationPledged p:
                    var (sum, count) = pledged.GetValueOrDefault(day);
                    pledged[day] = (sum + p.Amount, count + 1);
                    break;
                case PledgeExpired x:
                    var (lapsedSum, lapsedCount) = lapsed.GetValueOrDefault(day);
                    lapsed[day] = (lapsedSum - x.Amount, lapsedCount + 1);
                    break;
                case ExpiredPledgePaid x:
                    var (revivedSum, revivedCount) = lapsed.GetValueOrDefault(day);
                    lapsed[day] = (revivedSum + x.Amount, revivedCount + 1);
                    break;
                case DonationPaymentReceived r: received[day] = received.GetValueOrDefault(day) + r.Amount; break;
                case DonationPaymentWithdrawn w: received[day] = received.GetValueOrDefault(day) - w.Amount; break;
                case DonationPaymentReturned r: received[day] = received.GetValueOrDefault(day) - r.Amount; break;
                case FundsAllocated a:
                    list.Add(new Transaction("2", day, a.Amount, $"Zuweisung an {Town(a.MunicipalityId)} ({Purpose(a.PurposeId)}), Beschluss {a.DecisionReference}",
                        Town(a.MunicipalityId), a.AllocationId.ToString()));
                    break;
                case AllocationWithdrawn w:
                    list.Add(new Transaction("2", day, -w.Amount, $"Zuweisung an {Town(w.MunicipalityId)} zurückgenommen", Town(w.MunicipalityId), w.AllocationId.ToString()));
                    break;
                case FundsDisbursed d:
                    list.Add(new Transaction("3", day, d.Amount, $"Auszahlung an {Town(d.MunicipalityId)}", Town(d.MunicipalityId), d.DisbursementId.ToString()));
                    break;
                case DisbursementReturned r:
                    list.Add(new Transaction("3", day, -r.Amount, $"Auszahlung an {Town(r.MunicipalityId)} von der Bank zurückgebucht", Town(r.MunicipalityId),
                        r.DisbursementId.ToString()));
                    break;
                case UnusedFundsReturned r:
                    list.Add(new Transaction("3", day, -r.Amount, $"Rückzahlung nicht verwendeter Mittel durch {Town(r.MunicipalityId)}", Town(r.MunicipalityId),
                        r.ReturnId.ToString()));
                    break;
                case SpendingReported s when !withdrawnItems.Contains(s.ItemId):
                    list.Add(new Transaction("4", day, s.Amount, $"Ausgabe in {Town(s.MunicipalityId)}: {Purpose(s.PurposeId)}", null, s.ItemId.ToString()));
                    break;
            }
        }
        list.AddRange(pledged.Select(p => new Transaction("11", p.Key, p.Value.Sum, $"Spendenzusagen des Tages ({p.Value.Count})", null)));
        list.AddRange(lapsed.Where(l => l.Value.Sum != Money.Zero)
            .Select(l => new Transaction("11", l.Key, l.Value.Sum, $"Verfallene oder nach Verfall bezahlte Spendenzusagen des Tages ({l.Value.Count})", null)));
        list.AddRange(received.Where(r => r.Value != Money.Zero).Select(r => new Transaction("1", r.Key, r.Value, "Spendeneingänge des Buchungstages", null)));
        return list.OrderBy(t => t.Date).ThenBy(t => Order(t.Type));
    }

    private static int Order(string type) => type switch { "11" => 0, "1" => 1, "2" => 2, "3" => 3, _ => 4 };

    private static XElement Narrative(string text) => new("narrative", new XAttribute(Xml + "lang", "de"), text);

    private static string IsoDate(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(DateTimeOffset moment) => moment.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

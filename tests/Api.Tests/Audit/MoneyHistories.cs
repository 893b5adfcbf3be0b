using CsCheck;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Funds;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;

namespace FlutHilfe.Api.Tests.Audit;

/// <summary>
/// Random valid money histories of one appeal, as the deciders would let them happen: payments into funds, matches undone,
/// bank returns, allocations within what a fitting fund holds, withdrawals, disbursements, spending within the allocation,
/// spending withdrawn, unused money paid back within what was disbursed and not spent. Each step is a (kind, a, b) seed
/// interpreted against the state; a step that would be refused is skipped.
/// </summary>
public static class MoneyHistories
{
    public const string Appeal = "a";
    private static readonly string[] Municipalities = ["stolberg", "eschweiler"];
    private static readonly Fund[] Funds = [Fund.General, new("stolberg", null), new(null, "kita"), new("stolberg", "kita"), new("eschweiler", null)];
    private static readonly DateTimeOffset Start = new(2021, 11, 1, 8, 0, 0, TimeSpan.Zero);

    public static readonly Gen<IReadOnlyList<IEvent>> Gen = CsCheck.Gen.Select(CsCheck.Gen.Int[0, 8], CsCheck.Gen.Int[0, 1_000], CsCheck.Gen.Int[1, 20_000])
        .Array[1, 60].Select(Build);

    private sealed class Alloc(Guid id, string municipality, string? purpose, FundDraw draw)
    {
        public Guid Id { get; } = id;
        public string Municipality { get; } = municipality;
        public string? Purpose { get; } = purpose;
        public FundDraw Draw { get; set; } = draw;
        public long Net { get; set; } = draw.Amount.Cents;
        public long Disbursed { get; set; }
        public long Returned { get; set; }
        public List<(Guid Item, long Amount, string Purpose)> Items { get; } = [];
        public long Spent => Items.Sum(i => i.Amount);
    }

    public static IReadOnlyList<IEvent> Build((int Kind, int A, int B)[] steps)
    {
        var events = new List<IEvent>();
        var available = Funds.ToDictionary(f => f.Key, _ => 0L);
        var payments = new List<DonationPaymentReceived>();
        var allocations = new List<Alloc>();
        var at = Start;
        void Add(object data, Guid stream)
        {
            at = at.AddMinutes(1);
            var e = EventFor(data);
            e.Sequence = events.Count + 1;
            e.Timestamp = at;
            e.StreamId = stream;
            events.Add(e);
        }
        Guid NewId(int n) => new(n, 0, 0, new byte[8]);

        foreach (var (kind, a, b) in steps)
        {
            var amount = Money.FromCents(b);
            switch (kind)
            {
                case 0 or 1:
                {
                    var fund = Funds[a % Funds.Length];
                    var second = Funds[(a / 7) % Funds.Length];
                    var split = kind == 1 && second != fund && b > 1;
                    IReadOnlyList<Earmark> parts = split
                        ? [new Earmark(fund.MunicipalityId, fund.PurposeId, Money.FromCents(b / 2)), new Earmark(second.MunicipalityId, second.PurposeId, Money.FromCents(b - b / 2))]
                        : [new Earmark(fund.MunicipalityId, fund.PurposeId, amount)];
                    var donation = NewId(events.Count + 1);
                    var received = new DonationPaymentReceived(donation, Appeal, Guid.NewGuid(), amount, DateOnly.FromDateTime(at.UtcDateTime), null, parts, at);
                    foreach (var p in parts) available[p.Fund.Key] += p.Amount.Cents;
                    payments.Add(received);
                    Add(received, donation);
                    break;
                }
                case 2 when payments.Count > 0:
                {
                    var p = payments[a % payments.Count];
                    payments.Remove(p);
                    foreach (var part in p.Allocation) available[part.Fund.Key] -= part.Amount.Cents;
                    Add(b % 2 == 0
                        ? new DonationPaymentReturned(p.DonationId, Appeal, Guid.NewGuid(), p.Amount, p.BookingDate, "MD06", p.Allocation, at)
                        : new DonationPaymentWithdrawn(p.DonationId, Appeal, p.PaymentId, p.Amount, p.Allocation, "falsch", at), p.DonationId);
                    break;
                }
                case 3:
                {
                    var fund = Funds[a % Funds.Length];
                    var municipality = fund.MunicipalityId ?? Municipalities[a % Municipalities.Length];
                    var cents = Math.Min(b, available[fund.Key]);
                    if (cents <= 0) break;
                    var draw = FundDraw.From(fund, Money.FromCents(cents));
                    var alloc = new Alloc(NewId(10_000 + events.Count), municipality, fund.PurposeId, draw);
                    available[fund.Key] -= cents;
                    allocations.Add(alloc);
                    Add(new FundsAllocated(alloc.Id, Appeal, municipality, fund.PurposeId, draw.Amount, [draw], "SI/1", new DateOnly(2021, 12, 1), at), alloc.Id);
                    break;
                }
                case 4 when allocations.Count > 0:
                {
                    var x = allocations[a % allocations.Count];
                    var cents = Math.Min(b, x.Net - Math.Max(x.Disbursed, x.Spent) - x.Returned);
                    if (cents <= 0) break;
                    var back = x.Draw with { Amount = Money.FromCents(cents) };
                    x.Net -= cents;
                    x.Draw = x.Draw with { Amount = x.Draw.Amount - back.Amount };
                    available[back.FundKey] += cents;
                    Add(new AllocationWithdrawn(x.Id, Appeal, x.Municipality, back.Amount, [back], "geändert", at), x.Id);
                    break;
                }
                case 5 when allocations.Count > 0:
                {
                    var x = allocations[a % allocations.Count];
                    var cents = Math.Min(b, x.Net - x.Disbursed - x.Returned);
                    if (cents <= 0) break;
                    x.Disbursed += cents;
                    Add(new FundsDisbursed(x.Id, Appeal, x.Municipality, Guid.NewGuid(), Money.FromCents(cents), new DateOnly(2021, 12, 2), "UEB", at), x.Id);
                    break;
                }
                case 6 when allocations.Count > 0:
                {
                    var x = allocations[a % allocations.Count];
                    var cents = Math.Min(b, x.Net - x.Spent - x.Returned);
                    if (cents <= 0) break;
                    var item = Guid.NewGuid();
                    var purpose = x.Purpose ?? "kita";
                    x.Items.Add((item, cents, purpose));
                    Add(new SpendingReported(x.Id, Appeal, x.Municipality, item, new DateOnly(2021, 12, 3), "Becker GmbH", true, "Material", purpose,
                        Money.FromCents(cents), "V-1", null, null, null, at), x.Id);
                    break;
                }
                case 7 when allocations.Count > 0:
                {
                    var x = allocations[a % allocations.Count];
                    if (x.Items.Count == 0) break;
                    var (item, cents, purpose) = x.Items[b % x.Items.Count];
                    x.Items.RemoveAll(i => i.Item == item);
                    Add(new SpendingWithdrawn(x.Id, Appeal, x.Municipality, item, Money.FromCents(cents), purpose, "doppelt", at), x.Id);
                    break;
                }
                case 8 when allocations.Count > 0:
                {
                    var x = allocations[a % allocations.Count];
                    var cents = Math.Min(b, x.Disbursed - x.Spent - x.Returned);
                    if (cents <= 0) break;
                    var back = x.Draw with { Amount = Money.FromCents(cents) };
                    x.Returned += cents;
                    x.Draw = x.Draw with { Amount = x.Draw.Amount - back.Amount };
                    available[back.FundKey] += cents;
                    Add(new UnusedFundsReturned(x.Id, Appeal, x.Municipality, Guid.NewGuid(), back.Amount, new DateOnly(2022, 1, 5), "RUECK", [back], at), x.Id);
                    break;
                }
            }
        }
        return events;
    }

    private static IEvent EventFor(object data) => (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
}

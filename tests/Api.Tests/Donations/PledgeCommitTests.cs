using System.Net;
using System.Text.Json;
using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.Api.Infrastructure.PersonalData;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlutHilfe.Api.Tests.Donations;

/// <summary>
/// A host whose store lets a test hold pledge commits until several have arrived (so duplicates really race inside
/// PostgreSQL), or fail the next pledge's commit inside its transaction. Its clock stands still unless a test moves it,
/// and expired idempotency records are not cleaned up, so a test sees one that expired but is still stored.
/// </summary>
public sealed class PledgeCommitFixture : AppFixture
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public PledgeCommitGate Gate { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Idempotency:RecordLifetime"] = "1.00:00:00",
        ["Idempotency:CleanupInterval"] = "40.00:00:00",
        ["Pledging:AppealCacheSeconds"] = "300",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.ConfigureMarten(options => options.Listeners.Add(Gate));
    }
}

/// <summary>Sees every commit that starts a donation stream, before it is sent.</summary>
public sealed class PledgeCommitGate : DocumentSessionListenerBase
{
    private readonly object _lock = new();
    private TaskCompletionSource? _allArrived;
    private int _expected;
    private int _arrived;
    private bool _failNext;

    /// <summary>How many pledge commits were held together at the last gathering.</summary>
    public int Arrived { get { lock (_lock) return _arrived; } }

    /// <summary>Holds the next <paramref name="commits"/> pledge commits until all of them have arrived (at most 20 s).</summary>
    public void Gather(int commits)
    {
        lock (_lock)
        {
            _expected = commits;
            _arrived = 0;
            _allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>The next pledge's commit fails inside its transaction, after its other writes.</summary>
    public void FailNext()
    {
        lock (_lock) _failNext = true;
    }

    public void Reset()
    {
        lock (_lock)
        {
            _expected = 0;
            _arrived = 0;
            _failNext = false;
            _allArrived = null;
        }
    }

    public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        if (!session.PendingChanges.Streams().Any(s => s.Events.Any(e => e.Data is DonationPledged))) return;
        Task? wait = null;
        lock (_lock)
        {
            if (_failNext)
            {
                _failNext = false;
                // Runs in the commit's own batch and transaction: whatever the batch wrote before it is rolled back.
                session.QueueSqlCommand("select 1 / 0");
            }
            if (_allArrived is { } all && _arrived < _expected)
            {
                if (++_arrived == _expected) all.TrySetResult();
                wait = all.Task;
            }
        }
        if (wait is not null) await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(20), token));
    }
}

/// <summary>
/// The pledge is one transaction: its idempotency record, the donation's stream, the donor's key and profile commit
/// together or not at all, and the appeal is read from a cache that its own commits evict.
/// </summary>
public class PledgeCommitTests(PledgeCommitFixture app) : IClassFixture<PledgeCommitFixture>, IAsyncLifetime
{
    private const string Url = "/api/appeals/freude-schenken-2021/donations";

    public async ValueTask InitializeAsync()
    {
        app.Gate.Reset();
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync()
    {
        app.Gate.Reset();
        return ValueTask.CompletedTask;
    }

    private static object Body => new
    {
        amountCents = 4_200, receiptWanted = true,
        earmarks = new[] { new { municipalityId = "stolberg", amountCents = 4_200 } },
        donor = new { name = "Jürgen Müller", street = "Kaiserplatz 17", postalCode = "52062", city = "Aachen", country = "DE", email = "jm@example.org" },
    };

    private Task<IScenarioResult> Pledge(string? key, object? body = null, int? status = 201) => app.Host.Scenario(s =>
    {
        s.Post.Json(body ?? Body).ToUrl(Url);
        if (key is not null) s.WithRequestHeader("Idempotency-Key", key);
        s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9"));
        if (status is { } code) s.StatusCodeShouldBe(code);
        else s.IgnoreStatusCode();
    });

    private static async Task<string> DonationIdOf(IScenarioResult result) => (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("donationId").GetString()!;

    private static bool Replayed(IScenarioResult result) => result.Context.Response.Headers[IdempotencyMiddleware.ReplayedHeader].ToString() == "true";

    /// <summary>Pledge events, donation snapshots, donor keys, sealed profiles and idempotency records (completed ones).</summary>
    private async Task<(int Pledges, int Donations, int Keys, int Profiles, int Records, int Completed)> StoredAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var session = app.Store.QuerySession();
        return (
            await session.Events.QueryRawEventDataOnly<DonationPledged>().CountAsync(ct),
            await session.Query<Donation>().CountAsync(ct),
            await session.Query<DonorKey>().CountAsync(ct),
            await session.Query<SealedDonorProfile>().CountAsync(ct),
            await session.Query<IdempotencyRecord>().CountAsync(ct),
            await session.Query<IdempotencyRecord>().CountAsync(r => r.Completed, ct));
    }

    [Fact]
    public async Task a_retried_key_answers_the_same_donation_and_the_store_holds_one_pledge_and_its_record()
    {
        var key = Guid.NewGuid().ToString();
        var first = await Pledge(key);
        var retry = await Pledge(key);

        Replayed(first).ShouldBeFalse();
        Replayed(retry).ShouldBeTrue();
        (await DonationIdOf(retry)).ShouldBe(await DonationIdOf(first));
        retry.Context.Response.Headers.Location.ToString().ShouldBe(first.Context.Response.Headers.Location.ToString());
        (await StoredAsync()).ShouldBe((1, 1, 1, 1, 1, 1));
    }

    [Fact]
    public async Task concurrent_requests_with_one_key_that_all_reach_the_commit_make_one_pledge_and_all_answer_it()
    {
        const int requests = 6;
        var key = Guid.NewGuid().ToString();
        app.Gate.Gather(requests);

        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => Pledge(key, status: null)));

        app.Gate.Arrived.ShouldBe(requests, "every request decided its pledge and reached the commit at the same time");
        answers.Select(a => a.Context.Response.StatusCode).ShouldAllBe(code => code == 201);
        var ids = await Task.WhenAll(answers.Select(DonationIdOf));
        ids.Distinct().ShouldHaveSingleItem();
        answers.Count(Replayed).ShouldBe(requests - 1);
        (await StoredAsync()).ShouldBe((1, 1, 1, 1, 1, 1));
    }

    [Fact]
    public async Task a_pledge_whose_commit_fails_leaves_no_record_and_nothing_half_written_and_its_retry_pledges_once()
    {
        var key = Guid.NewGuid().ToString();
        app.Gate.FailNext();

        var failed = await Pledge(key, status: null);

        failed.Context.Response.StatusCode.ShouldBe(500);
        (await StoredAsync()).ShouldBe((0, 0, 0, 0, 0, 0));

        var retry = await Pledge(key);
        Replayed(retry).ShouldBeFalse();
        (await StoredAsync()).ShouldBe((1, 1, 1, 1, 1, 1));
        (await DonationIdOf(await Pledge(key))).ShouldBe(await DonationIdOf(retry));
    }

    [Fact]
    public async Task a_refused_pledge_writes_no_record_so_the_corrected_retry_with_the_key_is_taken()
    {
        var key = Guid.NewGuid().ToString();
        await Pledge(key, new { amountCents = 0 }, 422);
        (await StoredAsync()).ShouldBe((0, 0, 0, 0, 0, 0));

        await Pledge(key);
        (await StoredAsync()).ShouldBe((1, 1, 1, 1, 1, 1));
        var other = await Pledge(key, new { amountCents = 1_000 }, 422);
        (await other.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe("Idempotency-Key");
        (await StoredAsync()).Pledges.ShouldBe(1);
    }

    [Fact]
    public async Task a_key_whose_record_expired_but_is_still_stored_pledges_anew()
    {
        var key = Guid.NewGuid().ToString();
        var first = await DonationIdOf(await Pledge(key));
        app.Clock.Advance(TimeSpan.FromHours(25));

        var again = await Pledge(key);

        Replayed(again).ShouldBeFalse();
        (await DonationIdOf(again)).ShouldNotBe(first);
        (await StoredAsync()).ShouldBe((2, 2, 2, 2, 1, 1));
        (await DonationIdOf(await Pledge(key))).ShouldBe(await DonationIdOf(again));
    }

    [Fact]
    public async Task the_cached_appeal_is_evicted_by_its_own_commits_so_a_new_municipality_and_the_closing_count_at_once()
    {
        await Pledge(null);
        var treasurer = app.Token("treasurer");
        var roetgen = new { amountCents = 1_000, earmarks = new[] { new { municipalityId = "roetgen", amountCents = 1_000 } } };
        await Pledge(null, roetgen, 422);

        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { id = "roetgen", name = "Roetgen", district = "StädteRegion Aachen" }).ToUrl("/api/appeals/freude-schenken-2021/municipalities");
            s.WithBearer(treasurer);
        });
        await Pledge(null, roetgen, 201);

        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { reason = "Ende" }).ToUrl("/api/appeals/freude-schenken-2021/close");
            s.WithBearer(treasurer);
        });
        await Pledge(null, status: 409);
        (await StoredAsync()).Pledges.ShouldBe(2);
    }
}

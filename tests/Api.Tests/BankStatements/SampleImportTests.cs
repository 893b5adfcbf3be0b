using System.Text.Json;
using FlutHilfe.Domain.Payments;
using Marten;

namespace FlutHilfe.Api.Tests.BankStatements;

/// <summary>Every public sample in ../shared/samples/camt053 through the real import endpoint.</summary>
public class SampleImportTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await app.ResetAsync();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<JsonElement> Import(string sample, string accountIban)
    {
        await app.OpenAppealAsync("sample-appeal", accountIban);
        return await app.ImportAsync(await File.ReadAllBytesAsync(SampleFiles.Camt053(sample), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task viafintech_v02_debits_a_debit_batch_and_a_returned_credit()
    {
        var result = await Import("viafintech-valid_example.xml", "DE14740618130000033626");
        result.GetProperty("statements").GetInt32().ShouldBe(1);
        result.GetProperty("entries").GetInt32().ShouldBe(4);
        result.GetProperty("transactions").GetInt32().ShouldBe(5);
        result.GetProperty("debits").GetInt32().ShouldBe(4);
        result.GetProperty("creditedCents").GetInt64().ShouldBe(100);
        result.GetProperty("unmatched").GetInt32().ShouldBe(1);

        await using var session = app.Store.QuerySession();
        var payments = await session.Query<Payment>().ToListAsync(TestContext.Current.CancellationToken);
        payments.Where(p => p.Kind == PaymentKind.Debit).Select(p => p.Amount.Cents).Order().ShouldBe([200, 250, 300, 350]);
        payments.Single(p => p.Kind == PaymentKind.Credit).Amount.Cents.ShouldBe(100);
        payments.ShouldAllBe(p => p.BookingDate.Year > 2000);
    }

    [Fact]
    public async Task genkgo_v02_minimal_one_credit_with_payer()
    {
        var result = await Import("genkgo-camt053.v2.minimal.xml", "NL26VAYB8060476890");
        result.GetProperty("transactions").GetInt32().ShouldBe(1);
        result.GetProperty("creditedCents").GetInt64().ShouldBe(885);
        result.GetProperty("unmatched").GetInt32().ShouldBe(1);

        var queue = await (await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/payments/unmatched");
            s.WithBearer(app.Token("auditor"));
        })).ReadAsJsonAsync<JsonElement>();
        var item = queue.EnumerateArray().Single();
        item.GetProperty("payerIban").GetString().ShouldBe("NL56AGDH9619008421");
        item.GetProperty("structuredReference").GetString().ShouldBe("4654654654654654");
    }

    [Fact]
    public async Task genkgo_v02_two_statements_in_one_file()
    {
        var result = await Import("genkgo-camt053.v2.multi.statement.xml", "NL26VAYB8060476890");
        result.GetProperty("statements").GetInt32().ShouldBe(2);
        result.GetProperty("transactions").GetInt32().ShouldBe(2);
        result.GetProperty("creditedCents").GetInt64().ShouldBe(885);
        result.GetProperty("debits").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task genkgo_v04_account_given_as_other_id()
    {
        var result = await Import("genkgo-camt053.v4.xml", "NL26VAYB8060476890");
        result.GetProperty("transactions").GetInt32().ShouldBe(1);
        result.GetProperty("creditedCents").GetInt64().ShouldBe(885);
    }

    [Fact]
    public async Task genkgo_v08_date_time_booking()
    {
        var result = await Import("genkgo-camt053.v8.xml", "NL26VAYB8060476890");
        result.GetProperty("creditedCents").GetInt64().ShouldBe(885);
        await using var session = app.Store.QuerySession();
        (await session.Query<Payment>().SingleAsync(TestContext.Current.CancellationToken)).BookingDate.ShouldBe(new DateOnly(2014, 12, 31));
    }

    [Theory]
    [InlineData("genkgo-camt053.v2.wrong.xml")]
    [InlineData("viafintech-valid_example_with_batch.xml")]      // NL IBAN with wrong length: no appeal can have it
    [InlineData("viafintech-valid_example_v8.xml")]              // CHF account
    [InlineData("viafintech-valid_example_with_datetime.xml")]   // USD, account not an IBAN
    public async Task samples_that_cannot_belong_to_an_appeal_are_refused_cleanly(string sample)
    {
        await app.OpenAppealAsync();
        var result = await app.PostStatementAsync(await File.ReadAllBytesAsync(SampleFiles.Camt053(sample), TestContext.Current.CancellationToken), status: 422);
        var problem = await result.ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().ShouldNotBeNullOrEmpty();
        await using var session = app.Store.QuerySession();
        (await session.Query<Payment>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
    }
}

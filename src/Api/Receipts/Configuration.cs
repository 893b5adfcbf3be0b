using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Api.Receipts.Issuing;
using Marten;
using Wolverine;

namespace FlutHilfe.Api.Receipts;

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(ReceiptSettings.From(configuration));
        services.AddHostedService<ReceiptConfigurationCheck>();
        services.AddSingleton(configuration.GetSection("Smtp").Get<SmtpSettings>() ?? new SmtpSettings());
    }

    public void ConfigureStore(StoreOptions options)
    {
        // The yearly receipt counter is written in the same transaction as the receipt, with optimistic
        // concurrency, so numbers are gapless.
        options.Schema.For<ReceiptCounter>().UseOptimisticConcurrency(true);
        options.Schema.For<StoredReceiptPdf>();
    }

    public void ConfigureMessaging(WolverineOptions options)
    {
        // Receipt numbers come from one counter per year: issuing them one at a time per node avoids the
        // lost races (and their retries) that parallel handlers would run into on every number.
        options.LocalQueue("receipts").Sequential();
        options.PublishMessage<IssueDueReceipts>().ToLocalQueue("receipts");
        options.PublishMessage<CancelVoidedReceipt>().ToLocalQueue("receipts");
    }
}

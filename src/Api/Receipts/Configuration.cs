using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Api.Receipts.Delivering;
using FlutHilfe.Api.Receipts.Issuing;
using Marten;
using Wolverine;
using Wolverine.ErrorHandling;

namespace FlutHilfe.Api.Receipts;

public sealed class Configuration : IFeatureConfiguration
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(ReceiptSettings.From(configuration));
        services.AddHostedService<ReceiptConfigurationCheck>();
        services.AddSingleton(configuration.GetSection("Smtp").Get<SmtpSettings>() ?? new SmtpSettings());
        services.AddSingleton<IReceiptMailer, SmtpReceiptMailer>();
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
        // Receipt numbers come from one counter per year: issuing them one batch at a time per node avoids the lost races
        // (and their retries) that parallel handlers would run into on every number. A batch (IssueDueReceiptsOf) takes
        // the numbers of up to 100 donations in one transaction.
        options.LocalQueue("receipts").Sequential();
        options.PublishMessage<IssueDueReceipts>().ToLocalQueue("receipts");
        options.PublishMessage<IssueDueReceiptsOf>().ToLocalQueue("receipts");
        options.PublishMessage<CancelVoidedReceipt>().ToLocalQueue("receipts");

        // Rendering and mailing, apart from the numbers: one batch at a time per node, its PDFs rendered in parallel and its
        // mails sent over one SMTP connection, while the next batch is being numbered.
        options.LocalQueue("receipt-delivery").Sequential();
        options.PublishMessage<DeliverReceipts>().ToLocalQueue("receipt-delivery");
        options.PublishMessage<DeliverReceipt>().ToLocalQueue("receipt-delivery");

        // A mail server that fails midway: the mails that went out are recorded, the rest are tried again, soon and then later.
        options.OnException<ReceiptMailFailed>()
            .RetryWithCooldown(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
            .Then.ScheduleRetry(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30))
            .Then.MoveToErrorQueue();
    }
}

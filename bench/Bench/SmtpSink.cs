using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace FlutHilfe.Bench;

/// <summary>
/// The SMTP sink of the receipts scenario: a real SMTP server on loopback (SmtpServer, pipelining, 8BITMIME) that accepts
/// every message and keeps only when it arrived, its envelope recipients and its size — it does not parse the MIME
/// message, and it answers without Nagle's delay (<see cref="NoDelayListeners"/>). netDumbster, used before, did both
/// and was itself the limit at 40–98 mails/s. What a mail server does with a message after accepting it is not ours to
/// measure.
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public SmtpSink(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("bench-sink")
            .MaxMessageSize(64 * 1024 * 1024)
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add((SmtpServer.Net.IEndpointListenerFactory)new NoDelayListeners());
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>Every accepted message: when (Stopwatch timestamp), to whom (envelope), how many bytes.</summary>
    public ConcurrentQueue<(long Timestamp, string[] To, int Bytes)> Mails { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    /// <summary>
    /// Replies go out at once (TCP_NODELAY on the accepted sockets). With Nagle's algorithm on, the replies to a pipelined
    /// MAIL/RCPT/DATA (three small writes) wait for the client's delayed ACK, about 40 ms per message on Linux: the sink,
    /// not the client, would set the pace (as it did: 80–98 mails/s over four connections). Mail servers flush their
    /// pipelined replies together, so they do not pay it either.
    /// </summary>
    private sealed class NoDelayListeners : SmtpServer.Net.EndpointListenerFactory
    {
        public override SmtpServer.Net.IEndpointListener CreateListener(IEndpointDefinition endpoint)
        {
            var created = base.CreateListener(endpoint);
            // The library keeps its TcpListener to itself; Linux hands TCP_NODELAY of the listening socket down to every
            // socket it accepts from then on.
            var field = created.GetType().GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)
                .Single(f => f.FieldType == typeof(System.Net.Sockets.TcpListener));
            ((System.Net.Sockets.TcpListener)field.GetValue(created)!).Server.NoDelay = true;
            return created;
        }
    }

    private sealed class Store(SmtpSink sink) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            sink.Mails.Enqueue((Stopwatch.GetTimestamp(), transaction.To.Select(m => $"{m.User}@{m.Host}").ToArray(), (int)buffer.Length));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}

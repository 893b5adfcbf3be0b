using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.BankFiles;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using JasperFx;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FlutHilfe.Api.Infrastructure.Problems;

/// <summary>Turns refusals and known store conflicts into problem details instead of a 500.</summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problems, ILogger<DomainExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Map(exception);
        if (problem is null)
        {
            return false;
        }

        if (problem.Status == 503)
        {
            logger.LogWarning("The database is unavailable: {Method} {Path} answered 503 ({Error})", httpContext.Request.Method, ForLog(httpContext.Request.Path.ToString()), ForLog(exception.GetBaseException().Message));
            httpContext.Response.Headers.RetryAfter = DatabaseUnavailable.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            logger.LogInformation("Refused {Method} {Path}: {Detail}", httpContext.Request.Method, ForLog(httpContext.Request.Path.ToString()), ForLog(problem.Detail));
        }
        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>Refusals quote client input: one line, no control characters, bounded, so nobody can forge log lines.</summary>
    private static string ForLog(string? text)
    {
        var value = new string((text ?? "").Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? '?' : c).ToArray());
        return value.Length > 300 ? value[..300] + "…" : value;
    }

    internal static ProblemDetails? Map(Exception exception) => exception switch
    {
        DomainException { Kind: RefusalKind.Invalid } d => Problem.Field(d.Field ?? "body", d.Message),
        DomainException { Kind: RefusalKind.Conflict } d => WithField(Problem.Of(409, "Conflict", d.Message), d.Field),
        DomainException { Kind: RefusalKind.NotFound } d => WithField(Problem.Of(404, "Not found", d.Message), d.Field),
        ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException or DocumentAlreadyExistsException
            => Problem.Of(409, "Conflict", "This resource already exists."),
        ConcurrencyException => Problem.Of(409, "Conflict", "The resource was changed concurrently; retry the request."),
        ForbiddenException f => Problem.Of(403, "Forbidden", f.Message),
        InsufficientFundsException i => InsufficientFunds(i),
        CamtInputTooLargeException t => Problem.Of(413, "Payload too large", t.Message),
        CamtFormatException f => Problem.Field(f.ElementPath, f.Message),
        BadHttpRequestException b => Problem.Of(b.StatusCode, b.StatusCode == 413 ? "Payload too large" : "Bad request", b.Message),
        _ when DatabaseUnavailable.Is(exception) => Problem.Of(503, "Service unavailable", "The database is unavailable. Retry later with the same Idempotency-Key."),
        _ => null,
    };

    private static ProblemDetails InsufficientFunds(InsufficientFundsException e)
    {
        var problem = Problem.Of(409, "Insufficient funds", e.Message);
        problem.Extensions["field"] = "amountCents";
        problem.Extensions["requestedCents"] = e.Requested.Cents;
        problem.Extensions["funds"] = e.Fitting.Select(f => new { fund = f.Fund.Key, availableCents = f.Available.Cents, heldCents = f.Held.Cents }).ToList();
        return problem;
    }

    private static ProblemDetails WithField(ProblemDetails problem, string? field)
    {
        if (field is not null) problem.Extensions["field"] = field;
        return problem;
    }
}

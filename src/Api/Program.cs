using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using JasperFx;

var builder = WebApplication.CreateBuilder(args);

// `dotnet run -- token <role> [municipality]` prints a development bearer token and exits.
if (TokenCommand.TryRun(args, builder.Configuration, Console.Out, out var tokenExitCode))
{
    return tokenExitCode;
}

builder.AddFlutHilfe();

var app = builder.Build();
app.UseFlutHilfe();

return await app.RunJasperFxCommands(args);

/// <summary>Entry point; public so that test hosts (Alba) can reference it.</summary>
public partial class Program;

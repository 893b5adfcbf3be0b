namespace FlutHilfe.Api.Infrastructure.Auth;

/// <summary>
/// <c>dotnet run --project src/Api -- token treasurer|auditor|municipality &lt;id&gt;</c>:
/// prints a development bearer token signed with Auth:SigningKey.
/// </summary>
public static class TokenCommand
{
    public static bool TryRun(string[] args, IConfiguration configuration, TextWriter output, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || args[0] != "token") return false;

        var role = args.Length > 1 ? args[1] : "";
        var municipality = args.Length > 2 ? args[2] : null;
        if (!Roles.All.Contains(role) || (role == Roles.Municipality) != (municipality is not null))
        {
            output.WriteLine("usage: token treasurer | token auditor | token municipality <municipalityId>");
            exitCode = 2;
            return true;
        }

        var auth = configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        try
        {
            output.WriteLine(DevelopmentTokens.Issue(auth, role, municipality, TimeProvider.System));
        }
        catch (InvalidOperationException e)
        {
            // Typically: no signing key outside Development (set ASPNETCORE_ENVIRONMENT=Development or Auth__SigningKey).
            output.WriteLine(e.Message);
            exitCode = 1;
        }
        return true;
    }
}

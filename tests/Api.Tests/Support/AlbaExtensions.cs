using Alba;

namespace FlutHilfe.Api.Tests.Support;

public static class AlbaExtensions
{
    public static void WithBearer(this Scenario scenario, string token)
        => scenario.WithRequestHeader("Authorization", "Bearer " + token);
}

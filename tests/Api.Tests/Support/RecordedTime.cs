using Npgsql;

namespace FlutHilfe.Api.Tests.Support;

/// <summary>
/// The store stamps every event with the database clock when it learns of it ("as known on"), so a test cannot otherwise
/// have a history older than its own run; the two-clock tests need one (like <c>StaffWorld.RecordedEarlierAsync</c> in Web.Tests).
/// </summary>
public static class RecordedTime
{
    /// <summary>The sequence number of the last event recorded so far.</summary>
    public static async Task<long> LastSequenceAsync(this AppFixture app)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {app.Schema}.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Stamps the events recorded after <paramref name="afterSequence"/> as recorded at <paramref name="at"/>.</summary>
    public static async Task RecordedAtAsync(this AppFixture app, long afterSequence, DateTimeOffset at)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"update {app.Schema}.mt_events set timestamp = @at where seq_id > @after", connection);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        command.Parameters.AddWithValue("after", afterSequence);
        await command.ExecuteNonQueryAsync();
    }
}

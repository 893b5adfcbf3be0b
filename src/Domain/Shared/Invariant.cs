namespace FlutHilfe.Domain.Shared;

/// <summary>
/// Always-on assertions for things that must hold whatever the input (Debug.Assert vanishes in Release).
/// A failed invariant is a bug, not a refusal: it throws and aborts the transaction.
/// </summary>
public static class Invariant
{
    public static void That(bool condition, string message)
    {
        if (!condition) throw new InvariantViolatedException(message);
    }
}

public sealed class InvariantViolatedException(string message) : Exception(message);

namespace Recovery.AuthServer.Operations;

public enum CardCheckTakeStatus
{
    Taken,
    Exhausted,
    NotFound,
}

/// <summary>The outcome of taking a call-centre card check, and how many the operation has used.</summary>
public sealed record CardCheckTake(CardCheckTakeStatus Status, int Used);

using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.CallCentre;

/// <summary>What an agent may see of an operation: nothing secret, nothing personal beyond the phone's last digits.</summary>
public sealed record OperationLookup(
    string Reference,
    string Description,
    string PhoneLastDigits,
    OperationState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    int CardChecksRemaining,
    int ResendsRemaining);

/// <summary>A signing code for the agent to read out.</summary>
public sealed record VoiceCode(string Code, DateTimeOffset ExpiresAt, int ResendsRemaining)
{
    public override string ToString() => $"VoiceCode {{ ExpiresAt = {ExpiresAt:O}, ResendsRemaining = {ResendsRemaining} (code hidden) }}";
}

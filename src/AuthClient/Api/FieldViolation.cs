namespace Recovery.Client;

/// <summary>One entry of a google.rpc.BadRequest: which request field was refused and why.</summary>
/// <param name="Field">The field path as the server names it, e.g. <c>card_number</c>.</param>
/// <param name="Description">The server's explanation, meant for a person.</param>
public readonly record struct FieldViolation(string Field, string Description)
{
    public override string ToString() => $"{Field}: {Description}";
}

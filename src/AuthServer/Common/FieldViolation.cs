namespace Recovery.AuthServer.Common;

/// <summary>A bad request field, named as in the public contract (e.g. <c>card_number</c>).</summary>
public sealed record FieldViolation(string Field, string Description, string? Reason = null);

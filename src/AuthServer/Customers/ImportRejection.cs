namespace Recovery.AuthServer.Customers;

/// <summary>One refused customer of an import: its position, the reason and the bad fields (never their values).</summary>
public sealed record ImportRejection(int Index, string Reason, IReadOnlyList<string> Details);

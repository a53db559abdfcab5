namespace Recovery.AuthServer.Customers;

/// <summary>A customer's card as stored: a keyed hash of the PAN to find it, first 6 / last 4 to show it.</summary>
public sealed record CardRecord(string PanHash, string First6, string Last4, string Expiry);

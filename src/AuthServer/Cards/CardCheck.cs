namespace Recovery.AuthServer.Cards;

/// <summary>A card that passed every format rule: its digits and expiry.</summary>
public sealed record CardCheck(string Digits, CardExpiry Expiry);

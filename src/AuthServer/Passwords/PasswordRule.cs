namespace Recovery.AuthServer.Passwords;

public enum PasswordRule
{
    MinLength = 1,
    MaxLength = 2,
    Strength = 3,
    PersonalData = 4,
    CommonPassword = 5,
    Reused = 6,
    MixedCase = 7,
    Digit = 8,
    Symbol = 9,
    Characters = 10,
}

using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Identifiers;

/// <summary>
/// The outcome of checking a fødselsnummer or D-nummer. When <see cref="IsValid"/> is false,
/// <see cref="Error"/> says what is wrong in words a clinician or clerk can act on, and nothing
/// else is set.
/// </summary>
public sealed record NorwegianIdentityCheck
{
    /// <summary>The number as checked: digits only, spaces removed.</summary>
    public string? Value { get; init; }

    /// <summary>What is wrong, in user terms; null when the number is valid.</summary>
    public string? Error { get; init; }

    public bool IsValid => Error is null;

    public NorwegianIdentityKind? Kind { get; init; }

    public DateOnly? BirthDate { get; init; }

    /// <summary>
    /// Sex from the ninth digit (odd = male, even = female). Null for numbers that only pass
    /// the check digit rule from 2032: those numbers are gender neutral.
    /// </summary>
    public AdministrativeGender? Sex { get; init; }

    /// <summary>
    /// True when check digit 1 is only valid under the rule Folkeregisteret uses from
    /// 1 January 2032 (weighted remainder 1, 2 or 3 instead of 0).
    /// </summary>
    public bool UsesCheckDigitRuleFrom2032 { get; init; }

    /// <summary>True for numbers from the synthetic register (month + 80): never a real person.</summary>
    public bool IsSynthetic => Kind is NorwegianIdentityKind.SyntheticFnr or NorwegianIdentityKind.SyntheticDnr;

    /// <summary>The FHIR identifier system for this number, or null when invalid.</summary>
    public string? System => Kind switch
    {
        NorwegianIdentityKind.Fnr or NorwegianIdentityKind.SyntheticFnr => NorwegianSystems.Fodselsnummer,
        NorwegianIdentityKind.Dnr or NorwegianIdentityKind.SyntheticDnr => NorwegianSystems.DNummer,
        NorwegianIdentityKind.HNumber => NorwegianSystems.HNummer,
        _ => null,
    };

    internal static NorwegianIdentityCheck Invalid(string? value, string error) =>
        new() { Value = value, Error = error };
}

namespace Samjournal.Clinical.Identifiers;

/// <summary>What sort of Norwegian person number a valid number is.</summary>
public enum NorwegianIdentityKind
{
    /// <summary>Fødselsnummer from Folkeregisteret.</summary>
    Fnr,

    /// <summary>D-nummer: first digit of the day + 4.</summary>
    Dnr,

    /// <summary>
    /// Fødselsnummer from Skatteetaten's synthetic test register (Tenor): month + 80.
    /// Never a real person.
    /// </summary>
    SyntheticFnr,

    /// <summary>Synthetic D-nummer: day + 40 and month + 80. Never a real person.</summary>
    SyntheticDnr,

    /// <summary>
    /// Month + 40. Used for hjelpenummer (H-nummer, a local stand-in while the real identity is
    /// unknown) and by NAV's synthetic test persons. Not a national identifier; the number says
    /// nothing about whether the person is real, so it is not treated as synthetic.
    /// </summary>
    HNumber,
}

//! Typed code lists (flow, perspective, precision, ...). Each is stored as a dictionary-encoded
//! string whose values are the snake_case names below.

/// Defines a string-valued enum with serde, `Display`, `FromStr` and a list of all values.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored string of this value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "`{other}` is not a valid {}; expected one of: {}",
                        stringify!($name),
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

string_enum!(
    /// What kind of thing an entity is.
    EntityType {
        /// An entry of ISO 3166-1.
        Country = "country",
        /// A former state or territory (ISO 3166-3).
        Historical = "historical",
        /// The whole world.
        World = "world",
        /// A regional or economic aggregate (World Bank groups, Comtrade regions).
        Aggregate = "aggregate",
        /// An "areas not elsewhere specified" residual of a statistical source.
        ResidualNes = "residual_nes",
        /// A place a code list names that is neither an ISO 3166 entry nor a state (a
        /// disputed or minor area FIPS 10-4 codes, e.g. the Spratly Islands).
        Area = "area",
    }
);

string_enum!(
    /// A code system that names entities.
    Scheme {
        /// ISO 3166-1 alpha-2.
        Iso2 = "iso2",
        /// ISO 3166-1 alpha-3.
        Iso3 = "iso3",
        /// ISO 3166-1 numeric (three digits).
        IsoNum = "iso_num",
        /// ISO 3166-3 four-letter codes of former countries.
        Iso3166_3 = "iso3166_3",
        /// UN M49 area codes.
        M49 = "m49",
        /// Gleditsch-Ward state numbers.
        Gw = "gw",
        /// Correlates of War numeric state codes.
        CowNum = "cow_num",
        /// Correlates of War state abbreviations.
        CowAbb = "cow_abb",
        /// ACLED's numeric `iso` column: ISO 3166-1 numeric, plus the values ACLED gives
        /// places ISO does not list (0 = Kosovo). Looks fall back to `iso_num`.
        Acled = "acled",
        /// FIPS 10-4 country codes (GDELT geography).
        Fips = "fips",
        /// CAMEO actor country codes (GDELT actors).
        Cameo = "cameo",
        /// World Bank economy codes.
        Wb = "wb",
        /// UN Comtrade reporter/partner area codes.
        Comtrade = "comtrade",
        /// CEPII BACI country codes.
        Baci = "baci",
        /// Country names as published lists write them (ISO, World Bank, UN M49, G&W, COW,
        /// GeoNames, NGA, ...); matched on `codes::name_key`.
        Name = "name",
    }
);

string_enum!(
    /// Direction of a trade flow, from the reporter's side.
    Flow {
        /// Goods leaving the reporter.
        Export = "export",
        /// Goods entering the reporter.
        Import = "import",
        /// Re-exports (a subset of exports in IMTS practice).
        ReExport = "re_export",
        /// Re-imports (a subset of imports).
        ReImport = "re_import",
    }
);

string_enum!(
    /// Whose declaration a trade figure is.
    Perspective {
        /// As the reporter declared it.
        ReporterDeclared = "reporter_declared",
        /// The partner's declaration, seen from the other side.
        PartnerMirror = "partner_mirror",
        /// Reconciled from both sides (BACI).
        Reconciled = "reconciled",
    }
);

string_enum!(
    /// How a trade value is priced.
    PriceBasis {
        /// Free on board.
        Fob = "fob",
        /// Cost, insurance and freight.
        Cif = "cif",
        /// FOB estimated by removing CIF margins (BACI).
        FobEstimated = "fob_estimated",
        /// The source does not say.
        Unknown = "unknown",
    }
);

string_enum!(
    /// How precisely a date is known.
    DatePrecision {
        /// The day is known.
        Day = "day",
        /// The week is known.
        Week = "week",
        /// The month is known.
        Month = "month",
        /// Only the year is known.
        Year = "year",
        /// Only a range between start and end is known.
        Range = "range",
        /// The source gives no date.
        Unknown = "unknown",
    }
);

string_enum!(
    /// What kind of event an event row is.
    EventClass {
        /// A war or armed conflict.
        ArmedConflict = "armed_conflict",
        /// A state's military intervention.
        MilitaryIntervention = "military_intervention",
        /// A standing military presence.
        MilitaryPresence = "military_presence",
        /// A terrorist attack.
        TerroristAttack = "terrorist_attack",
        /// Deportations or expulsions.
        Deportation = "deportation",
        /// An agreement or treaty.
        Agreement = "agreement",
        /// Recognition of a state or government.
        DiplomaticRecognition = "diplomatic_recognition",
        /// The fall or change of a regime.
        RegimeChange = "regime_change",
        /// State-based organised violence (UCDP type 1).
        StateBasedViolence = "state_based_violence",
        /// Non-state organised violence (UCDP type 2).
        NonStateViolence = "non_state_violence",
        /// One-sided violence against civilians (UCDP type 3).
        OneSidedViolence = "one_sided_violence",
        /// Verbal cooperation (CAMEO QuadClass 1).
        VerbalCooperation = "verbal_cooperation",
        /// Material cooperation (CAMEO QuadClass 2).
        MaterialCooperation = "material_cooperation",
        /// Verbal conflict (CAMEO QuadClass 3).
        VerbalConflict = "verbal_conflict",
        /// Material conflict (CAMEO QuadClass 4).
        MaterialConflict = "material_conflict",
        /// Battles (ACLED).
        Battle = "battle",
        /// Explosions or remote violence (ACLED).
        ExplosionRemoteViolence = "explosion_remote_violence",
        /// Violence against civilians (ACLED).
        ViolenceAgainstCivilians = "violence_against_civilians",
        /// Protests.
        Protest = "protest",
        /// Riots.
        Riot = "riot",
        /// Strategic developments (ACLED).
        StrategicDevelopment = "strategic_development",
        /// Anything else.
        Other = "other",
    }
);

string_enum!(
    /// Role of an actor in an event.
    ActorRole {
        /// GDELT Actor1.
        Actor1 = "actor1",
        /// GDELT Actor2.
        Actor2 = "actor2",
        /// UCDP side A.
        SideA = "side_a",
        /// UCDP side B.
        SideB = "side_b",
        /// Carried out an attack.
        Perpetrator = "perpetrator",
        /// Was attacked or targeted.
        Target = "target",
        /// Signed an agreement.
        Signatory = "signatory",
        /// Granted recognition.
        Recognizer = "recognizer",
        /// Was recognised.
        Recognized = "recognized",
        /// Intervened.
        Intervener = "intervener",
        /// Hosted a presence.
        Host = "host",
        /// Took part.
        Participant = "participant",
        /// Where it happened.
        Location = "location",
    }
);

string_enum!(
    /// What kind of thing an actor is.
    ActorKind {
        /// A country or other entity.
        Entity = "entity",
        /// An organisation.
        Organisation = "organisation",
        /// An armed group.
        ArmedGroup = "armed_group",
        /// A person.
        Person = "person",
        /// Not determined by the source.
        Unknown = "unknown",
    }
);

string_enum!(
    /// What kind of organisation.
    OrgType {
        /// Intergovernmental organisation.
        Igo = "igo",
        /// A political or economic initiative.
        Initiative = "initiative",
        /// A transport corridor.
        TransportCorridor = "transport_corridor",
        /// An armed group.
        ArmedGroup = "armed_group",
        /// A military alliance.
        MilitaryAlliance = "military_alliance",
        /// An economic union.
        EconomicUnion = "economic_union",
    }
);

string_enum!(
    /// Role of an entity in an organisation.
    MembershipRole {
        /// Full member.
        Member = "member",
        /// Associate member (e.g. Turkmenistan in the CIS from 2005).
        AssociateMember = "associate_member",
        /// Participant in an initiative.
        Participant = "participant",
        /// A country a route passes through.
        RouteCountry = "route_country",
        /// Observer.
        Observer = "observer",
        /// Partner.
        Partner = "partner",
        /// Former member.
        FormerMember = "former_member",
    }
);

string_enum!(
    /// How a row was derived from its source.
    Derivation {
        /// Copied as published.
        AsPublished = "as_published",
        /// Converted from the published unit (e.g. thousand USD to USD).
        UnitConverted = "unit_converted",
        /// Taken from the partner's declaration.
        Mirrored = "mirrored",
        /// Reconciled from several declarations.
        Reconciled = "reconciled",
        /// Computed from other rows.
        Computed = "computed",
        /// Entered by hand from a document.
        Manual = "manual",
    }
);

string_enum!(
    /// Status of an indicator observation.
    ObsStatus {
        /// As reported.
        Reported = "reported",
        /// Estimated by the publisher.
        Estimated = "estimated",
        /// Provisional.
        Provisional = "provisional",
        /// A forecast.
        Forecast = "forecast",
    }
);

// UCDP/PRIO Armed Conflict Dataset codes (the `conflicts` table), per the ACD codebook.

string_enum!(
    /// What a conflict is fought over (ACD `incompatibility` 1-3).
    Incompatibility {
        /// 1: territory.
        Territory = "territory",
        /// 2: government.
        Government = "government",
        /// 3: government and territory.
        Both = "both",
    }
);

string_enum!(
    /// A conflict's intensity in a year (ACD `intensity_level` 1-2).
    IntensityLevel {
        /// 1: 25 to 999 battle-related deaths in the year.
        Minor = "minor",
        /// 2: at least 1,000 battle-related deaths in the year.
        War = "war",
    }
);

string_enum!(
    /// The kind of conflict (ACD `type_of_conflict` 1-4).
    ConflictType {
        /// 1: a state against a non-state group outside its territory (colonial wars).
        Extrasystemic = "extrasystemic",
        /// 2: between states.
        Interstate = "interstate",
        /// 3: a government against rebel groups, no foreign troops.
        Intrastate = "intrastate",
        /// 4: intrastate with foreign governments' troops on a side.
        InternationalizedIntrastate = "internationalized_intrastate",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_strings() {
        for flow in Flow::ALL {
            assert_eq!(flow.as_str().parse::<Flow>().unwrap(), *flow);
        }
        assert_eq!("re_export".parse::<Flow>().unwrap(), Flow::ReExport);
        let err = "sideways".parse::<Flow>().unwrap_err();
        assert!(err.contains("export, import"), "{err}");
    }
}

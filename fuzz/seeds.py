"""Write the seed corpora of the fuzz targets (fuzz/corpus/<target>/seed-*).

Small files in each importer's real layouts (the same rows as the importers' tests), archives,
the bundled descriptor and the bundled Parquet files. Run from the repository root:
python3 fuzz/seeds.py
"""

# ruff: noqa: D103, E501

import gzip
import io
import json
import pathlib
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def put(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (d / f"seed-{name}").write_bytes(data)


def row(cols, values, quote=False):
    names = cols.split(",")
    fields = [""] * len(names)
    lower = [n.lower() for n in names]
    for k, v in values.items():
        fields[lower.index(k.lower())] = v
    if quote:
        return ",".join('"' + f.replace('"', '""') + '"' for f in fields)
    return ",".join(
        '"' + f.replace('"', '""') + '"' if any(c in f for c in ',"\n') else f for f in fields
    )


# BACI
baci = (
    "\ufefft,i,j,k,v,q\r\n2023,762,860,10121,1234.5,NA\r\n2023,251,842,010121,0.001,   2.500\r\n"
    "2023,490,762,847130,10,\r\n2023,516,4,271000,7.25,1\r\n2023,999,762,520100,4,1\r\n"
    "2023,762,860,020110,abc,1\r\n2023,762,860,020120,-5,1\r\n2023,762,860,020130,5\r\n"
    "2022,762,860,020140,5,1\r\n2023,762,860,10121,99,1\r\n2023,762,860,0201X0,5,1\r\n\r\n2023,762,8"
)
put("baci", "traps", baci)
put("baci", "plain", "t,i,j,k,v,q\n2023,762,860,010121,1.5,2\n2023,398,762,270900,NaN,inf\n")

# Comtrade (current and legacy layouts)
CURRENT = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate"
cur = dict(
    typeCode="C",
    freqCode="A",
    refPeriodId="20220101",
    refYear="2022",
    refMonth="52",
    period="2022",
    reporterCode="762",
    reporterISO="TJK",
    reporterDesc="Tajikistan",
    flowCode="X",
    flowDesc="Export",
    partnerCode="860",
    partnerISO="UZB",
    partnerDesc="Uzbekistan",
    partner2Code="0",
    partner2ISO="W00",
    partner2Desc="World",
    classificationCode="H6",
    classificationSearchCode="HS",
    isOriginalClassification="true",
    cmdCode="010121",
    cmdDesc="Horses",
    aggrLevel="6",
    isLeaf="true",
    customsCode="C00",
    customsDesc="TOTAL CPC",
    mosCode="0",
    motCode="0",
    motDesc="TOTAL MOT",
    qtyUnitCode="5",
    qtyUnitAbbr="u",
    qty="12",
    isQtyEstimated="false",
    altQtyUnitCode="-1",
    altQtyUnitAbbr="N/A",
    altQty="",
    isAltQtyEstimated="false",
    netWgt="1500.5",
    isNetWgtEstimated="false",
    grossWgt="",
    isGrossWgtEstimated="false",
    cifvalue="",
    fobvalue="1234.56",
    primaryValue="1234.56",
    legacyEstimationFlag="0",
    isReported="true",
    isAggregate="false",
)
lines = [
    CURRENT,
    row(CURRENT, cur),
    row(CURRENT, {**cur, "partnerCode": "0", "partnerISO": "W00", "partnerDesc": "World"}),
    row(CURRENT, {**cur, "primaryValue": "-1"}),
    row(
        CURRENT,
        {
            **cur,
            "flowCode": "M",
            "flowDesc": "Import",
            "partnerDesc": "Other Asia, nes",
            "partnerCode": "490",
            "partnerISO": "",
        },
    ),
]
put("comtrade", "current", "\r\n".join(lines) + "\r\n")
put("comtrade", "current-quoted", "\n".join([CURRENT, row(CURRENT, cur, quote=True) + ","]) + "\n")
LEGACY = "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd Partner Code,2nd Partner,2nd Partner ISO,Customs Proc. Code,Customs,Mode of Transport Code,Mode of Transport,Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweight (kg),Gross weight (kg),Trade Value (US$),CIF Trade Value (US$),FOB Trade Value (US$),Flag"
leg = {
    "Classification": "H4",
    "Year": "2015",
    "Period": "2015",
    "Period Desc.": "2015",
    "Aggregate Level": "6",
    "Is Leaf Code": "1",
    "Trade Flow Code": "2",
    "Trade Flow": "Export",
    "Reporter Code": "762",
    "Reporter": "Tajikistan",
    "Reporter ISO": "TJK",
    "Partner Code": "643",
    "Partner": "Russian Federation",
    "Partner ISO": "RUS",
    "Commodity Code": "520100",
    "Commodity": "Cotton",
    "Qty Unit Code": "8",
    "Qty Unit": "Weight in kilograms",
    "Qty": "1000",
    "Netweight (kg)": "1000",
    "Trade Value (US$)": "5000",
    "Flag": "0",
}
put(
    "comtrade",
    "legacy",
    "\n".join([LEGACY, row(LEGACY, leg), row(LEGACY, {**leg, "Reporter": "C\xf4te"})]).encode(
        "cp1252"
    )
    + b"\n",
)

# WDI
put(
    "wdi",
    "wide",
    b'\xef\xbb\xbf"Country Name","Country Code","Indicator Name","Indicator Code","2018","2019","2020",\r\n'
    b'"Tajikistan","TJK","Personal remittances, received (% of GDP)","BX.TRF.PWKR.DT.GD.ZS","31.2","28.2","26.7",\r\n'
    b'"World","WLD","Personal remittances, received (% of GDP)","BX.TRF.PWKR.DT.GD.ZS","0.7","","0.8",\r\n'
    b'"Kazakhstan","KAZ","Personal remittances, received (% of GDP)","BX.TRF.PWKR.DT.GD.ZS","0.2","abc","0.2",\r\n'
    b'"Am\xe9rique latine et Cara\xefbes","LCN","Personal remittances, received (% of GDP)","BX.TRF.PWKR.DT.GD.ZS","0.9","","",\r\n'
    b'"Afghanistan","AFG","Personal remittances, received (% of GDP)","BX.TRF.PWKR.DT.GD.ZS","1.5"\r\n',
)
put(
    "wdi",
    "api",
    '"Data Source","World Development Indicators",\n\n"Last Updated Date","2025-01-28",\n\n'
    '"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020",\n'
    '"Tajikistan","TJK","GDP (current US$)","NY.GDP.MKTP.CD","8300775284.6","",\n',
)
put(
    "wdi",
    "countries",
    '\ufeff"Country Code","Short Name","Table Name","Long Name","2-alpha code","Currency Unit","Special Notes","Region","Income Group","WB-2 code",\n'
    '"TJK","Tajikistan","Tajikistan","Republic of Tajikistan","TJ","Tajikistani somoni","Fiscal year end;\nCY.","Europe & Central Asia","Lower middle income","TJ",\n'
    '"WLD","World","World","World","1W","","World aggregate ""as computed"".","","","1W",\n',
)
put(
    "wdi",
    "series",
    '"Series Code","Topic","Indicator Name","Short definition","Long definition","Unit of measure","Periodicity","Base Period","Other notes","Aggregation method","Limitations and exceptions","Notes from original source","General comments","Source","Statistical concept and methodology","Development relevance","Related source links","Other web links","Related indicators","License Type",\r\n'
    '"NY.GDP.MKTP.CD","Economic Policy","GDP (current US$)","","GDP at purchaser\'s prices.","","Annual","","","Gap-filled total","","","","World Bank national accounts data.","","","","","","CC BY-4.0",\r\n',
)


# GDELT
def gdelt_names(n):
    v = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    for a in ["Actor1", "Actor2"]:
        v += [
            a + f
            for f in [
                "Code",
                "Name",
                "CountryCode",
                "KnownGroupCode",
                "EthnicCode",
                "Religion1Code",
                "Religion2Code",
                "Type1Code",
                "Type2Code",
                "Type3Code",
            ]
        ]
    v += [
        "IsRootEvent",
        "EventCode",
        "EventBaseCode",
        "EventRootCode",
        "QuadClass",
        "GoldsteinScale",
        "NumMentions",
        "NumSources",
        "NumArticles",
        "AvgTone",
    ]
    for g in ["Actor1Geo", "Actor2Geo", "ActionGeo"]:
        for f in [
            "Type",
            "FullName",
            "CountryCode",
            "ADM1Code",
            "ADM2Code",
            "Lat",
            "Long",
            "FeatureID",
        ]:
            if f == "ADM2Code" and n != 61:
                continue
            v.append(f"{g}_{f}")
    v.append("DATEADDED")
    if n != 57:
        v.append("SOURCEURL")
    assert len(v) == n
    return v


def gdelt_event(n, eid, **over):
    v = dict(
        GLOBALEVENTID=eid,
        SQLDATE="20130401",
        MonthYear="201304",
        Year="2013",
        FractionDate="2013.2493",
        Actor1Code="TJK",
        Actor1Name="TAJIKISTAN",
        Actor1CountryCode="TJK",
        Actor2Code="RUSGOV",
        Actor2Name="RUSSIA",
        Actor2CountryCode="RUS",
        Actor2Type1Code="GOV",
        IsRootEvent="1",
        EventCode="0251",
        EventBaseCode="025",
        EventRootCode="02",
        QuadClass="1",
        GoldsteinScale="3.4",
        NumMentions="10",
        NumSources="2",
        NumArticles="9",
        AvgTone="-1.5",
        Actor1Geo_Type="4",
        Actor1Geo_CountryCode="TI",
        ActionGeo_Type="4",
        ActionGeo_FullName="Dushanbe, Dushanbe, Tajikistan",
        ActionGeo_CountryCode="TI",
        ActionGeo_ADM1Code="TI00",
        ActionGeo_Lat="38.5358",
        ActionGeo_Long="68.7791",
        ActionGeo_FeatureID="-2503983",
        DATEADDED="20130401",
    )
    if n != 57:
        v["SOURCEURL"] = "https://example.org/news/1"
    v.update(over)
    names = gdelt_names(n)
    fields = [""] * n
    for k, val in v.items():
        fields[names.index(k)] = val
    return "\t".join(fields)


put(
    "gdelt",
    "v2",
    "\n".join(
        [
            gdelt_event(61, "1001", DATEADDED="20130401120000"),
            gdelt_event(61, "1002", ActionGeo_Lat="95"),
        ]
    )
    + "\n",
)
put(
    "gdelt",
    "v1",
    "\n".join(
        [
            gdelt_event(58, "2001"),
            gdelt_event(58, "2002", SQLDATE="2013041"),
            gdelt_event(57, "2003"),
        ]
    )
    + "\n",
)

# UCDP
V49 = "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob"
V42 = "id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,side_a_new_id,gwnoa,side_a,side_b_new_id,gwnob,side_b,number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,low,best,high"


def tajik(cols, eid, **over):
    v = dict(
        id=eid,
        relid="TJK-1992-1-100-1",
        year="1992",
        active_year="1",
        type_of_violence="1",
        conflict_new_id="311",
        conflict_name="Tajikistan: Government",
        dyad_new_id="700",
        dyad_name="Government of Tajikistan - UTO",
        side_a_new_id="117",
        side_a="Government of Tajikistan",
        side_b_new_id="1037",
        side_b="UTO",
        number_of_sources="2",
        source_article="Agency B, 1992-09-06",
        where_prec="2",
        where_coordinates="Town X",
        where_description="near Town X",
        adm_1="Province Y",
        latitude="37.8",
        longitude="68.8",
        country="Tajikistan",
        country_id="702",
        region="Europe",
        event_clarity="1",
        date_prec="1",
        date_start="1992-09-05 00:00:00.000",
        date_end="1992-09-05 00:00:00.000",
        best="25",
        high="40",
        low="20",
        gwnoa="702",
    )
    names = cols.split(",")
    v = {k: x for k, x in v.items() if k in names}
    v.update(over)
    return row(cols, v, quote=True)


put(
    "ucdp",
    "v49",
    "\n".join(
        [V49, tajik(V49, "1"), tajik(V49, "2", best="-3"), tajik(V49, "3", date_start="1992-13-40")]
    )
    + "\n",
)
put("ucdp", "v42", "\r\n".join([V42, tajik(V42, "11"), tajik(V42, "12", latitude="nan")]) + "\r\n")

# ACLED
ACLED = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
OLD = "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES"
ev = dict(
    event_id_cnty="TJK1",
    event_date="2020-05-09",
    year="2020",
    time_precision="1",
    disorder_type="Political violence",
    event_type="Battles",
    sub_event_type="Armed clash",
    actor1="Test Forces A",
    inter1="State forces",
    actor2="Test Forces B",
    inter2="State forces",
    interaction="State forces-State forces",
    iso="762",
    region="Central Asia",
    country="Tajikistan",
    admin1="Test Province",
    location="Test Village",
    latitude="39.85",
    longitude="70.58",
    geo_precision="1",
    source="Test Wire",
    source_scale="National",
    notes='Invented note, "quoted",\nover two lines.',
    fatalities="2",
    timestamp="1600000000",
)
put(
    "acled",
    "current",
    "\n".join(
        [
            ACLED,
            row(ACLED, ev),
            row(
                ACLED,
                {**ev, "event_id_cnty": "TJK2", "event_date": "09 May 2020", "fatalities": "-1"},
            ),
        ]
    )
    + "\n",
)
old = {
    "GWNO": "702",
    "EVENT_ID_CNTY": "TJK3",
    "EVENT_ID_NO_CNTY": "3",
    "EVENT_DATE": "09/05/2010",
    "YEAR": "2010",
    "TIME_PRECISION": "1",
    "EVENT_TYPE": "Battle-No change of territory",
    "ACTOR1": "Test A",
    "INTER1": "1",
    "ACTOR2": "Test B",
    "INTER2": "2",
    "INTERACTION": "12",
    "COUNTRY": "Tajikistan",
    "LOCATION": "Somewhere",
    "LATITUDE": "38.5",
    "LONGITUDE": "68.7",
    "GEO_PRECISION": "1",
    "SOURCE": "Test",
    "FATALITIES": "0",
}
put("acled", "old", "\n".join([OLD, row(OLD, old)]) + "\n")

# Archives: a zip holding a CSV among other members, a gzip, a multi-member gzip.
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("readme.txt", "ignore me")
    z.writestr("data.CSV", "t,i,j,k,v,q\n" * 50)
put("archive", "zip", buf.getvalue())
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
    z.writestr("x.csv", "a,b\n1,2\n")
put("archive", "zip-stored", buf.getvalue())
put("archive", "gzip", gzip.compress(b"x,y\n1,2\n" * 100))
put("archive", "gzip-multi", gzip.compress(b"x,y\n") + gzip.compress(b"1,2\n"))

# Descriptor and Parquet: the bundled store's.
bundled = ROOT / "crates" / "steppe" / "bundled"
desc = json.loads((bundled / "datapackage.json").read_text())
put("descriptor", "bundled", json.dumps(desc, separators=(",", ":")))
small = dict(desc, resources=desc["resources"][:2])
put("descriptor", "two-tables", json.dumps(small, indent=1))
TABLES = [r["name"] for r in desc["resources"]]
for r in desc["resources"]:
    for f in r["steppe"]["files"][:1]:
        data = (bundled / f["path"]).read_bytes()
        if len(data) <= 16_000:
            put("parquet", r["name"], bytes([TABLES.index(r["name"])]) + data)

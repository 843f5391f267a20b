"""What the demo territory's déchèteries see in a year: kinds of lots, seasons, outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reuse.domain.vocabulary import Condition


@dataclass(frozen=True)
class LotKind:
    """A kind of lot: its subcategory, how often it comes, how many items and how they look."""

    subcategory: str
    weight: float
    items: tuple[int, int]
    to_repair: float
    descriptions: tuple[str, ...]


AS_IS, TO_REPAIR, FOR_PARTS = Condition.AS_IS, Condition.TO_REPAIR, Condition.FOR_PARTS

# fmt: off
LOT_KINDS = (
    LotKind("mobilier.canape", 9, (1, 2), 0.04, ("Canapé trois places en tissu", "Canapé d'angle", "Banquette clic-clac")),
    LotKind("mobilier.table", 7, (1, 3), 0.04, ("Table de salle à manger en chêne", "Bureau d'écolier", "Tables pliantes")),
    LotKind("mobilier.rangement", 8, (1, 3), 0.04, ("Armoire deux portes", "Commode ancienne", "Buffet bas", "Étagères en pin")),
    LotKind("mobilier.assise", 10, (2, 12), 0.04, ("Chaises en bois", "Fauteuils", "Tabourets de bar", "Chaises paillées")),
    LotKind("mobilier.literie", 3, (1, 2), 0.03, ("Sommier à lattes", "Lit enfant en bois", "Cadre de lit")),
    LotKind("mobilier.mobilier_jardin", 3, (1, 2), 0.05, ("Salon de jardin", "Table de jardin en teck")),
    LotKind("gros_electromenager.lavage", 3, (1, 2), 0.35, ("Lave-linge en état de marche", "Lave-vaisselle")),
    LotKind("gros_electromenager.froid", 2, (1, 1), 0.3, ("Réfrigérateur", "Congélateur coffre")),
    LotKind("gros_electromenager.cuisson", 2, (1, 1), 0.3, ("Cuisinière mixte", "Four encastrable")),
    LotKind("petit_electromenager.cuisine", 4, (3, 15), 0.3, ("Petit électroménager de cuisine", "Cafetières et bouilloires")),
    LotKind("sport_loisirs.velo", 5, (1, 5), 0.45, ("Vélos adultes", "Vélos enfants", "VTT")),
    LotKind("textile.vetements", 6, (40, 200), 0.0, ("Sacs de vêtements", "Vêtements d'enfants")),
    LotKind("textile.linge_maison", 2, (20, 80), 0.0, ("Linge de maison", "Rideaux et draps")),
    LotKind("livres_medias.livres", 5, (30, 150), 0.0, ("Cartons de livres", "Romans de poche", "Bandes dessinées")),
    LotKind("vaisselle_deco.vaisselle", 5, (30, 150), 0.0, ("Vaisselle dépareillée", "Service à café", "Verres")),
    LotKind("jouets_puericulture.jouets", 3, (15, 60), 0.0, ("Jouets en bois", "Caisse de jouets")),
    LotKind("bricolage_jardin.outillage_main", 3, (5, 30), 0.0, ("Outils à main", "Caisse à outils")),
    LotKind("materiaux.bois_panneaux", 3, (5, 30), 0.0, ("Planches de chêne", "Panneaux de contreplaqué")),
    LotKind("materiaux.menuiseries", 2, (1, 6), 0.0, ("Portes intérieures", "Fenêtres double vitrage")),
    LotKind("materiaux.sanitaires", 1, (1, 4), 0.0, ("Lavabos", "Bac de douche")),
    LotKind("materiaux.radiateurs", 1, (1, 4), 0.0, ("Radiateurs en fonte",)),
    LotKind("informatique_image_son.ecran", 1.5, (2, 8), 0.5, ("Écrans plats",)),
    LotKind("bricolage_jardin.outillage_electrique", 1.5, (2, 8), 0.3, ("Perceuses et ponceuses",)),
    LotKind("sport_loisirs.mobilite_electrique", 0.5, (1, 2), 0.6, ("Trottinette électrique",)),
    LotKind("jouets_puericulture.puericulture", 1, (1, 3), 0.1, ("Poussette", "Siège auto")),
)
# fmt: on

SITE_WEIGHTS = {
    "decheterie_morlaix": 3.0,
    "decheterie_saint_martin_des_champs": 2.0,
    "decheterie_plourin_les_morlaix": 1.5,
    "decheterie_taule": 1.2,
    "decheterie_lanmeur": 1.0,
    "decheterie_pleyber_christ": 1.0,
    "decheterie_plougonven": 0.8,
    "decheterie_saint_thegonnec_loc_eguiner": 0.8,
}

# Diverted kg aimed at per calendar month: spring clear-outs and summer moves peak, winter dips.
SEASON_KG = {
    1: 7000,
    2: 7500,
    3: 10000,
    4: 12500,
    5: 15000,
    6: 16500,
    7: 15500,
    8: 12000,
    9: 14500,
    10: 12500,
    11: 9500,
    12: 7500,
}
DIVERTED_SHARE = Decimal("0.74")
"""Declared kg that end up received, on average (claimed share × measured/estimated)."""

CANCEL_REASONS = (
    "Objet abîmé par la pluie dans la benne",
    "Déclaré deux fois par erreur",
    "Repris par le déposant",
    "Parti à la benne avant enlèvement",
)

REUSE_OUTCOMES = ("preparation_reutilisation", "reemploi")

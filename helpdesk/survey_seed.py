"""The survey's default wording: the nine elements of PermenPANRB 14/2017 with the
questions and four-point scales of its sample questionnaire (in Indonesian, with an
English rendering) and its grade bands. Seeding twice changes nothing, and never
overwrites what an administrator has edited since."""
from decimal import Decimal

from .survey_models import SurveyGrade, SurveyQuestion, SurveyScale

# (tag, element id/en, question id/en, scale 1..4 as (id, en))
ELEMENTS = [
    ("U1", "Persyaratan", "Requirements",
     "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis "
     "pelayanannya?",
     "How well did the requirements of the service suit the kind of service?",
     [("Tidak sesuai", "Not suitable"), ("Kurang sesuai", "Barely suitable"),
      ("Sesuai", "Suitable"), ("Sangat sesuai", "Very suitable")]),
    ("U2", "Sistem, Mekanisme, dan Prosedur", "System, mechanism and procedure",
     "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
     "How easy was the procedure of this service?",
     [("Tidak mudah", "Not easy"), ("Kurang mudah", "Barely easy"), ("Mudah", "Easy"),
      ("Sangat mudah", "Very easy")]),
    ("U3", "Waktu Penyelesaian", "Completion time",
     "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
     "How fast was the service given?",
     [("Tidak cepat", "Not fast"), ("Kurang cepat", "Barely fast"), ("Cepat", "Fast"),
      ("Sangat cepat", "Very fast")]),
    ("U4", "Biaya/Tarif", "Cost/fee",
     "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
     "How fair was the cost or fee of the service?",
     [("Sangat mahal", "Very expensive"), ("Cukup mahal", "Rather expensive"),
      ("Murah", "Cheap"), ("Gratis", "Free")]),
    ("U5", "Produk Spesifikasi Jenis Pelayanan", "Product of the service",
     "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum "
     "dalam standar pelayanan dengan hasil yang diberikan?",
     "How well did what you received match what the service standard promises?",
     [("Tidak sesuai", "Not matching"), ("Kurang sesuai", "Barely matching"),
      ("Sesuai", "Matching"), ("Sangat sesuai", "Fully matching")]),
    ("U6", "Kompetensi Pelaksana", "Competence of the staff",
     "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
     "How competent were the staff who served you?",
     [("Tidak kompeten", "Not competent"), ("Kurang kompeten", "Barely competent"),
      ("Kompeten", "Competent"), ("Sangat kompeten", "Very competent")]),
    ("U7", "Perilaku Pelaksana", "Conduct of the staff",
     "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
     "kesopanan dan keramahan?",
     "How polite and friendly were the staff who served you?",
     [("Tidak sopan dan ramah", "Not polite and friendly"),
      ("Kurang sopan dan ramah", "Barely polite and friendly"),
      ("Sopan dan ramah", "Polite and friendly"),
      ("Sangat sopan dan ramah", "Very polite and friendly")]),
    ("U8", "Sarana dan Prasarana", "Facilities",
     "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
     "How good were the facilities (here: the portal and its e-mails)?",
     [("Buruk", "Poor"), ("Cukup", "Fair"), ("Baik", "Good"), ("Sangat baik", "Very good")]),
    ("U9", "Penanganan Pengaduan, Saran dan Masukan", "Handling of complaints and suggestions",
     "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
     "How were complaints from users of the service handled?",
     [("Tidak ada", "Not at all"), ("Ada tetapi tidak berfungsi", "There, but not working"),
      ("Berfungsi kurang maksimal", "Working, not fully"),
      ("Dikelola dengan baik", "Well handled")]),
]

# (letter, lowest, highest, mutu kinerja id/en) of the converted score (IKM × 25)
GRADES = [
    ("A", "88.31", "100.00", "Sangat Baik", "Very good"),
    ("B", "76.61", "88.30", "Baik", "Good"),
    ("C", "65.00", "76.60", "Kurang Baik", "Poor"),
    ("D", "25.00", "64.99", "Tidak Baik", "Bad"),
]


def seed_survey():
    if not SurveyQuestion.select().exists():  # in three statements: it runs before every test
        SurveyQuestion.insert_many([
            {"position": position, "tag": tag, "element_id": element_id,
             "element_en": element_en, "question_id": question_id, "question_en": question_en}
            for position, (tag, element_id, element_en, question_id, question_en, _scale)
            in enumerate(ELEMENTS, 1)]).execute()
        ids = dict(SurveyQuestion.select(SurveyQuestion.tag, SurveyQuestion.id).tuples())
        SurveyScale.insert_many([
            {"question": ids[tag], "score": score, "label_id": label_id, "label_en": label_en}
            for tag, *_texts, scale in ELEMENTS
            for score, (label_id, label_en) in enumerate(scale, 1)]).execute()
    if not SurveyGrade.select().exists():
        SurveyGrade.insert_many([
            {"letter": letter, "lowest": Decimal(lowest), "highest": Decimal(highest),
             "label_id": label_id, "label_en": label_en}
            for letter, lowest, highest, label_id, label_en in GRADES]).execute()

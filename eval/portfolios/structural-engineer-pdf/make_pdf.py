"""Make resume.pdf (a fictional structural engineer's one-page résumé) with fpdf2 and DejaVu Sans."""
from fpdf import FPDF

LINES = [
    ("title", "Ines Carvalho"),
    ("body", "Structural Engineer, CEng MIStructE"),
    ("body", "Porto, Portugal · ines.carvalho@example.pt · +351 912 345 678"),
    ("head", "PROFILE"),
    ("body", "Chartered structural engineer with eleven years designing timber, steel and concrete buildings in Portugal and the UK. I specialise in mass-timber structures and in strengthening old buildings for earthquakes."),
    ("head", "EXPERIENCE"),
    ("entry", "Associate, Lintel & Stone Engineers, Porto (Jan 2021 – Present)"),
    ("bullet", "Leads a team of 7 engineers on residential and school projects"),
    ("bullet", "Designed the 9-storey cross-laminated timber housing block on Rua do Almada, the tallest timber building in Portugal"),
    ("bullet", "Seismic retrofit of 14 historic buildings in Porto's old town"),
    ("entry", "Senior Structural Engineer, Harwell Brookes, London (Sep 2016 – Dec 2020)"),
    ("bullet", "Designed steel frames for 3 office buildings in the City of London"),
    ("bullet", "Cut the steel tonnage of the Cannon Yard office by 18% through value engineering"),
    ("bullet", "Mentored 5 graduate engineers through chartership"),
    ("entry", "Graduate Engineer, Atlântico Projectos, Lisbon (Jul 2013 – Aug 2016)"),
    ("bullet", "Checked reinforced concrete designs for hospitals and car parks"),
    ("head", "EDUCATION"),
    ("bullet", "MEng in Civil Engineering, University of Porto, 2013"),
    ("head", "PROFESSIONAL REGISTRATION"),
    ("bullet", "Chartered Member of the Institution of Structural Engineers (MIStructE), 2019"),
    ("bullet", "Registered engineer, Ordem dos Engenheiros, 2014"),
    ("head", "SOFTWARE"),
    ("body", "Analysis: ETABS, SAP2000, Robot Structural Analysis"),
    ("body", "Design and BIM: Revit, Tekla Structures, AutoCAD"),
    ("body", "Scripting: Python, Grasshopper"),
    ("head", "PUBLICATIONS"),
    ("bullet", "\"Retrofitting masonry buildings in Porto\", The Structural Engineer, 2022"),
    ("head", "LANGUAGES"),
    ("body", "Portuguese (native), English (fluent), Spanish (conversational)"),
    ("head", "INTERESTS"),
    ("body", "Surfing and drawing old bridges."),
]

pdf = FPDF(format="A4")
pdf.add_page()
pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
pdf.add_font("DejaVu", "B", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
pdf.set_margins(18, 16, 18)
for kind, text in LINES:
    if kind == "title":
        pdf.set_font("DejaVu", "B", 18)
        pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
    elif kind == "head":
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    elif kind == "entry":
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    elif kind == "bullet":
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 5, "• " + text, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
pdf.output("resume.pdf")

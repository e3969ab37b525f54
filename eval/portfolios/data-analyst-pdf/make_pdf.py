"""Make resume.pdf (a fictional data analyst's one-page résumé) with fpdf2 and DejaVu Sans."""
from fpdf import FPDF

LINES = [
    ("title", "Niamh Gallagher"),
    ("body", "Data Analyst | Dublin, Ireland | niamh.gallagher@example.ie | +353 87 123 4567"),
    ("body", "linkedin.com/in/niamhgallagher"),
    ("head", "SUMMARY"),
    ("body", "Data analyst with eight years in retail, logistics and insurance. I turn messy sales data into dashboards that store managers actually use."),
    ("head", "EXPERIENCE"),
    ("entry", "Senior Data Analyst, Brambly Foods (Mar 2022 – present)"),
    ("bullet", "Built the weekly sales dashboard in Power BI used by 140 store managers"),
    ("bullet", "Forecast fresh-produce demand with Python, cutting food waste by 12%"),
    ("bullet", "Trains 6 analysts in SQL"),
    ("entry", "Data Analyst, Quayside Logistics (Jun 2019 – Feb 2022)"),
    ("bullet", "Automated delivery reports with SQL and dbt, saving 15 hours a week"),
    ("bullet", "Analysed route data for a fleet of 300 vans"),
    ("entry", "Junior Analyst, Harp Insurance (Sep 2017 – May 2019)"),
    ("bullet", "Cleaned and reported claims data in Excel and SAS"),
    ("head", "EDUCATION"),
    ("bullet", "MSc in Business Analytics, University College Dublin, 2017"),
    ("bullet", "BSc in Mathematics, Maynooth University, 2016"),
    ("head", "CERTIFICATIONS"),
    ("bullet", "Microsoft Certified: Power BI Data Analyst Associate, 2021"),
    ("head", "SKILLS"),
    ("body", "Tools: SQL, Python, pandas, Power BI, dbt, Excel, SAS"),
    ("body", "Methods: forecasting, A/B testing, regression"),
    ("head", "PROJECTS"),
    ("entry", "Dublin Bikes Explorer"),
    ("body", "An open dashboard of Dublin bike-share usage with 5,000 monthly visitors."),
    ("head", "LANGUAGES"),
    ("body", "English (native), Irish (fluent), French (intermediate)"),
    ("head", "INTERESTS"),
    ("body", "Sea swimming and pub quizzes."),
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

"""The work plan's owners and descriptions, loaded with the seed by
``load_working_group`` (their Chinese is in the seed's translation file,
section ``work_item_descriptions``).

The seed names the 17 items and the deputy leaders by field, but not who
leads which item. Each owner is a deputy leader of the seed chosen by the
item's field: the first deputy listed for the field the item names (the
first subfield's, for a field whose deputies are all in its subfields); the
next one listed where that person already owns an item. The items the seed
links to no field go to the deputy leader whose field or work is closest to
the topic. The leader changes any of them in the browser.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PlannedItem:
    owner: str  # a deputy leader's name, as the seed writes it
    owner_field: str  # the field (or subfield) the seed lists them under
    description: str


WORK_PLAN = {
    "General LLM": PlannedItem(
        "Kunlin Zhan",
        "Foundation Model Field",
        "Standards for general-purpose large language models: their "
        "capabilities, their interfaces and the evidence a provider gives for "
        "them.",
    ),
    "Astronomy and Space LLM": PlannedItem(
        "Ziming Zou",
        "Astronomy and Space Field",
        "Standards for LLM applied to astronomy and space science: data from "
        "observatories and missions, scientific question answering and the "
        "evaluation of results.",
    ),
    "Materials Science LLM": PlannedItem(
        "Yue Liu",
        "Materials Science Field",
        "Standards for LLM in materials science: materials data and knowledge, "
        "property prediction and materials design assistants.",
    ),
    "Sovereign LLM": PlannedItem(
        "Yunquan Zhang",
        "Sovereign LLM Field",
        "Standards for sovereign LLM: models trained, deployed and governed "
        "with the data, computing power and supply chain under their own "
        "control.",
    ),
    "Large-scale Code Generation": PlannedItem(
        "Yanjun Wu",
        "Large-scale Code Generation Subfield",
        "Standards for LLM that generate code at scale: the correctness, "
        "security and licensing of generated code, and how they are evaluated.",
    ),
    "AI Inference System": PlannedItem(
        "Jason Jia",
        "AI Inference Systems Subfield",
        "Standards for the systems that serve LLM inference: latency, "
        "throughput, cost and reliability, measured the same way everywhere.",
    ),
    "Medical LLM": PlannedItem(
        "Yi Zhao",
        "Pharmaceutical Subfield",
        "Standards for LLM in medicine (pharmaceutics, critical care, "
        "ophthalmology, cancer immunotherapy): clinical safety, evaluation and "
        "the protection of patients' data.",
    ),
    "Industrial LLM": PlannedItem(
        "Weiwei Lin",
        "Energy Efficiency Subfield",
        "Standards for LLM in industry (energy efficiency, smart cities, "
        "communications): deployment, reliability and evaluation in production.",
    ),
    "Power Consumption LLM": PlannedItem(
        "Chunjie Luo",
        "Energy Efficiency Subfield",
        "Standards for measuring and reporting the energy used to train and run LLM.",
    ),
    "Formulation of Basic Standards for LLM": PlannedItem(
        "Rui Zhang",
        "LLM Terminals Subfield",
        "The basic standards the others build on: terms and definitions, a "
        "reference architecture and a classification of LLM.",
    ),
    "Customization Specifications for LLM in Vertical Domains": PlannedItem(
        "Yuanchun Zhou",
        "Other Scientific LLM Fields",
        "Specifications for adapting LLM to vertical domains: domain data, "
        "fine-tuning, knowledge integration and acceptance.",
    ),
    "Standard Processes for Data Annotation and Preprocessing": PlannedItem(
        "Bin Cui",
        "Education Field",
        "Standard processes for collecting, cleaning, annotating and "
        "documenting the data LLM are trained and evaluated on.",
    ),
    "Technical Standards for LLM Training and Fine-tuning": PlannedItem(
        "Jidong Zhai",
        "AI Systems Subfield",
        "Technical standards for training and fine-tuning LLM: procedures, "
        "reproducibility and the records kept of each run.",
    ),
    "Evaluation Science and Engineering of LLM": PlannedItem(
        "Wanling Gao",
        "Foundation Model Field",
        "The science and engineering of evaluating LLM: benchmarks, metrics "
        "and evaluation procedures whose results can be compared and "
        "reproduced.",
    ),
    "Security and Privacy Protection Standards for LLM": PlannedItem(
        "Zhaofeng He",
        "Ethics Field",
        "Standards for the security of LLM and the privacy of the people whose "
        "data they use: threats, safeguards and tests.",
    ),
    "Domain-specific Standardization Implementation for LLM": PlannedItem(
        "Feng Yuan",
        "Smart City Subfield",
        "Putting the standards to work in each domain: guides, pilots and "
        "conformity checks with the organisations that apply them.",
    ),
    "Continuous Monitoring and Improvement Mechanisms for LLM Standards and "
    "Specifications": PlannedItem(
        "Pengfei Chen",
        "Distributed AI Subfield",
        "How the working group follows its standards in use and improves them: "
        "feedback, periodic review and revision.",
    ),
}

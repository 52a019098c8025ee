#!/usr/bin/env python3
"""Writes tests/fixtures/labelled/: short HTML pages, French and English, one folder per label.

The sentences below were written by hand for Chouette (they imitate the landing pages of each
kind of site; nothing is copied from a real site). Each page draws a title and a few sentences
from its pool with a fixed seed, so the output is reproducible. Pages alternate between
tune/ (lists may be tuned against them) and heldout/ (never looked at while tuning; the numbers
in docs/FILTERS.md are given for both halves).

Every page has a canonical URL on a neutral host (siteNNN.example), so that the URL words do
not give the label away and the UT1 lists do not decide: the phrase classifier is measured.

    python3 bench/filters/gen_labelled.py [OUTDIR]
"""
import html
import os
import random
import sys

POOLS = {
    # ---------------------------------------------------------------- hidden categories
    "adult": {
        "fr": {
            "titles": ["Vidéos porno gratuites en HD", "Sexe amateur : les meilleures vidéos",
                       "Webcams sexe en direct", "Films X gratuits", "Photos de femmes nues",
                       "Salopes chaudes près de chez toi", "Le tube porno français",
                       "Plan cul gratuit ce soir", "Actrices X du moment"],
            "body": ["Des milliers de vidéos porno gratuites mises à jour chaque jour.",
                     "Regarde des salopes amateurs se faire baiser devant la caméra.",
                     "Sexe hard, sodomie, fellation : toutes les catégories sont là.",
                     "Nos modèles se déshabillent en direct sur leur webcam sexe.",
                     "Entre ici seulement si tu es majeur : contenu pornographique explicite.",
                     "Une grosse bite, une chatte mouillée et une partie à trois torride.",
                     "Les meilleures scènes de cul de l'année, classées par les membres.",
                     "Femmes mûres, étudiantes coquines et couples échangistes en vidéo X.",
                     "Télécharge gratuitement des films X complets en haute définition.",
                     "Trouve un plan cul rapide avec des femmes chaudes de ta région.",
                     "Strip-tease intégral et masturbation en live, sans abonnement.",
                     "Porno français gratuit : des heures de sexe amateur non censuré.",
                     "Des seins nus, des fesses et des vidéos érotiques très osées.",
                     "Éjaculation, gorge profonde et gang bang : les vidéos les plus vues."]},
        "en": {
            "titles": ["Free Porn Videos", "Hot Amateur Sex Tube", "Live Sex Cams",
                       "XXX Movies Free", "Nude Girls Gallery", "Hardcore Porn Tube",
                       "Horny Milfs Near You", "Best Adult Videos Online"],
            "body": ["Thousands of free porn videos updated every day.",
                     "Watch horny amateur girls getting fucked on camera.",
                     "Hardcore sex, anal, blowjob and cumshot videos in full HD.",
                     "Our naked cam girls strip live for you, no credit card needed.",
                     "You must be 18 or older to enter: this site contains explicit sexual content.",
                     "Big tits, wet pussy and a hot threesome in the best xxx scenes.",
                     "Hot milfs and teen sluts (18+) in uncensored hardcore porn.",
                     "Download full length xxx movies for free.",
                     "Meet horny singles tonight for a hot hookup and casual sex.",
                     "Lesbian porn, masturbation and deepthroat clips sorted by popularity.",
                     "Nude pics and erotic videos of busty babes.",
                     "Our xxx tube has the hottest porn stars fucking hard.",
                     "Join now for unlimited access to our hardcore adult videos."]},
    },
    "violence": {
        "fr": {
            "titles": ["Vidéos choc : les plus violentes", "Images trash sans censure",
                       "Combats de rue filmés", "Le site gore", "Accidents mortels en vidéo"],
            "body": ["Des images choc que les médias n'osent pas montrer.",
                     "Décapitation filmée, cadavres mutilés : âmes sensibles s'abstenir.",
                     "Une bagarre de rue qui finit en passage à tabac, la victime est au sol.",
                     "Nous publions chaque jour les vidéos les plus gore du web.",
                     "Torture et massacre : regarde ce que les autres sites cachent.",
                     "Un homme égorgé en pleine rue, la vidéo complète sans flou.",
                     "Compilation d'accidents mortels, du sang partout.",
                     "Lynchage filmé au téléphone : les images circulent, regarde-les ici.",
                     "Comment tuer quelqu'un sans laisser de traces, le guide.",
                     "Les pires fusillades filmées par des caméras de surveillance."]},
        "en": {
            "titles": ["Shock Videos Uncensored", "Real Gore Site", "Street Fights Caught on Camera",
                       "Death Videos", "Brutal Beatings Compilation"],
            "body": ["The most brutal shock videos the mainstream media will not show you.",
                     "Real beheading footage and mutilated corpses, uncensored.",
                     "A street fight turns into a savage beating, blood everywhere.",
                     "We post new gore videos every day: real deaths, real blood.",
                     "Torture and massacre footage that other sites remove.",
                     "Watch a man being stabbed to death, full video with no blur.",
                     "Fatal accident compilation with graphic injuries.",
                     "How to kill someone and get away with it, step by step.",
                     "Execution videos from war zones, graphic content.",
                     "Brutal knockouts and bloody fights ranked by our users."]},
    },
    "gambling": {
        "fr": {
            "titles": ["Casino en ligne : bonus de bienvenue", "Paris sportifs : cotes boostées",
                       "Machines à sous gratuites", "Poker en ligne argent réel",
                       "Roulette en ligne"],
            "body": ["Inscris-toi et reçois 200 € de bonus sur ton premier dépôt.",
                     "Mise sur le match de ce soir, cotes boostées sur le vainqueur.",
                     "Jouez aux machines à sous et décrochez le jackpot progressif.",
                     "Tables de poker en ligne ouvertes 24h/24, tournois freeroll chaque jour.",
                     "Roulette, blackjack et baccara avec croupiers en direct.",
                     "Pariez en direct pendant la rencontre et encaissez vos gains.",
                     "Casino en ligne agréé : retraits rapides et tours gratuits.",
                     "Pronostics gratuits et paris combinés pour gagner gros.",
                     "Dépôt minimum de 10 €, les gains sont versés en 24 heures.",
                     "Code promo exclusif : 50 free spins sur les slots."]},
        "en": {
            "titles": ["Online Casino Welcome Bonus", "Sports Betting Odds", "Free Slots Jackpot",
                       "Real Money Poker", "Live Roulette Online"],
            "body": ["Sign up and get a 200% deposit bonus plus 100 free spins.",
                     "Bet on tonight's game with boosted odds on the winner.",
                     "Spin the slots and hit the progressive jackpot.",
                     "Real money poker tables open around the clock, daily freerolls.",
                     "Live dealer roulette, blackjack and baccarat.",
                     "Place in-play bets during the match and cash out your winnings.",
                     "Licensed online casino with fast withdrawals.",
                     "Free betting tips and accumulator picks to win big.",
                     "Minimum deposit 10 dollars, payouts within 24 hours.",
                     "Use our bonus code for a no deposit casino bonus."]},
    },
    "drugs": {
        "fr": {
            "titles": ["Acheter du cannabis en ligne", "Graines de beuh livrées discrètement",
                       "Cultiver son herbe", "Boutique de champignons hallucinogènes",
                       "Où trouver de la coke"],
            "body": ["Commande ta weed en ligne, livraison discrète en 48 heures.",
                     "Nos graines de cannabis donnent des têtes très chargées en THC.",
                     "Rouler un joint parfait : le tuto pour bien fumer ta beuh.",
                     "Champignons magiques et truffes hallucinogènes en vente libre chez nous.",
                     "Le meilleur shit et la meilleure herbe, prix dégressifs.",
                     "Cocaïne pure, ecstasy et MDMA : paiement en bitcoin.",
                     "Culture en intérieur : lampes, engrais et conseils pour une récolte de beuh.",
                     "Comment planer plus longtemps en mélangeant les produits.",
                     "Dealer en ligne de confiance, résine et pollen en stock.",
                     "Fais pousser ta propre marijuana sur ton balcon."]},
        "en": {
            "titles": ["Buy Weed Online", "Cannabis Seeds Shop", "Grow Your Own Marijuana",
                       "Magic Mushrooms Store", "Get High Guide"],
            "body": ["Order weed online with discreet delivery in 48 hours.",
                     "Our feminized cannabis seeds grow buds loaded with THC.",
                     "How to roll the perfect joint and get really stoned.",
                     "Magic mushrooms and psilocybin truffles for sale.",
                     "Top shelf marijuana, hash and edibles at low prices.",
                     "Pure cocaine, ecstasy pills and MDMA, pay with bitcoin.",
                     "Indoor grow guide: lights, nutrients and harvesting your bud.",
                     "How to get high faster and make your trip last longer.",
                     "Trusted online dealer, hash and kief in stock.",
                     "Buy LSD tabs and get them shipped in stealth packaging."]},
    },
    "hate": {
        "fr": {
            "titles": ["La vérité sur le grand remplacement", "Réveil de la race blanche",
                       "Dehors les envahisseurs", "Le forum nationaliste", "Contre l'invasion"],
            "body": ["Les immigrés sont des parasites qui détruisent notre race.",
                     "La race blanche doit se réveiller face au grand remplacement.",
                     "Les juifs contrôlent les banques et les médias, ouvrez les yeux.",
                     "Ces sous-hommes n'ont rien à faire dans notre pays.",
                     "Rejoins notre groupe pour défendre la pureté de la race.",
                     "La Shoah est un mensonge inventé pour nous culpabiliser.",
                     "Les musulmans sont une invasion qu'il faut chasser par la force.",
                     "Sales bougnoules et négros, rentrez chez vous.",
                     "Heil et 88 à tous les camarades du mouvement.",
                     "Les homosexuels sont des malades à éliminer de la société."]},
        "en": {
            "titles": ["White Pride Worldwide", "The Truth About the Great Replacement",
                       "Race War Now", "Nationalist Forum", "Stop the Invasion"],
            "body": ["Immigrants are vermin destroying our white race.",
                     "White people must wake up to the great replacement.",
                     "The jews control the banks and the media, open your eyes.",
                     "These subhumans do not belong in our nation.",
                     "Join our brotherhood to defend the purity of the white race.",
                     "The holocaust never happened, it is a hoax to make us feel guilty.",
                     "Muslims are an invasion that must be driven out by force.",
                     "Sieg heil and 88 to all our comrades, white power.",
                     "Gays are degenerates who should be removed from society.",
                     "The coming race war will cleanse our country."]},
    },
    "shopping": {
        "fr": {
            "titles": ["Soldes d'hiver : jusqu'à -70 %", "Votre panier", "Promo chaussures",
                       "Vente flash électroménager", "Livraison gratuite dès 25 €"],
            "body": ["Ajoutez l'article au panier et profitez de la livraison gratuite.",
                     "Prix barré : 89,99 € au lieu de 129,99 €, stock limité.",
                     "Paiement sécurisé par carte bancaire, en 3 fois sans frais.",
                     "Retours gratuits sous 30 jours, satisfait ou remboursé.",
                     "Code promo de -20 % sur toute la boutique jusqu'à dimanche.",
                     "Plus que 3 articles en stock, commandez vite.",
                     "Les clients qui ont acheté cet article ont aussi acheté.",
                     "Vente flash : les meilleures offres du jour en électroménager.",
                     "Choisissez votre taille et votre couleur puis validez votre commande.",
                     "Livraison express en 24 heures, suivi de colis en ligne."]},
        "en": {
            "titles": ["Winter Sale Up To 70% Off", "Your Shopping Cart", "Shoes Deals",
                       "Flash Sale", "Free Shipping Over $25"],
            "body": ["Add to cart and enjoy free shipping on orders over $25.",
                     "Was $129.99, now $89.99, limited stock.",
                     "Secure checkout with credit card or PayPal.",
                     "Free returns within 30 days, money back guarantee.",
                     "Use promo code SAVE20 at checkout for 20% off everything.",
                     "Only 3 left in stock, order soon.",
                     "Customers who bought this item also bought.",
                     "Today's deals: the best discounts on home appliances.",
                     "Select your size and color, then proceed to checkout.",
                     "Express delivery in 24 hours with order tracking."]},
    },
    "chat": {
        "fr": {
            "titles": ["Tchat gratuit sans inscription", "Salon de discussion ados",
                       "Chat en ligne", "Discute avec des inconnus", "Tchatche entre amis"],
            "body": ["Rejoins le salon de tchat et discute avec des inconnus en direct.",
                     "Pas besoin d'inscription : choisis un pseudo et entre dans le chat.",
                     "Plus de 2 000 connectés en ce moment dans nos salons de discussion.",
                     "Discussion privée, webcam et messagerie instantanée gratuites.",
                     "Le tchat des ados : fais de nouvelles rencontres chaque jour.",
                     "Envoie un message privé à n'importe quel membre connecté.",
                     "Salons par région et par âge pour tchatter tranquille.",
                     "Chat roulette : tombe au hasard sur quelqu'un et discute en vidéo."]},
        "en": {
            "titles": ["Free Chat Rooms", "Teen Chat", "Talk to Strangers", "Online Chat Now",
                       "Random Video Chat"],
            "body": ["Join our free chat rooms and talk to strangers live.",
                     "No registration: pick a nickname and start chatting.",
                     "Over 2,000 users online right now in our chat rooms.",
                     "Private messaging, webcam chat and instant messenger for free.",
                     "Teen chat room: meet new friends every day.",
                     "Send a private message to any member who is online.",
                     "Chat rooms by country and by age, chat anonymously.",
                     "Random video chat: get paired with a stranger instantly."]},
    },
    "dating": {
        "fr": {
            "titles": ["Rencontres célibataires", "Site de rencontre gratuit",
                       "Trouve l'âme sœur", "Rencontre près de chez toi", "Célibataires de ta ville"],
            "body": ["Des milliers de célibataires vous attendent sur notre site de rencontre.",
                     "Inscription gratuite : créez votre profil et trouvez l'âme sœur.",
                     "Faites des rencontres sérieuses avec des célibataires de votre région.",
                     "Femmes et hommes célibataires cherchent une relation durable.",
                     "Notre algorithme vous propose chaque jour des profils compatibles.",
                     "Envoyez un flirt et commencez à discuter avec votre match.",
                     "Rencontre coquine ou histoire d'amour, à vous de choisir.",
                     "Déjà des milliers de couples formés grâce à notre site."]},
        "en": {
            "titles": ["Meet Singles", "Free Dating Site", "Find Your Soulmate",
                       "Local Singles Tonight", "Online Dating"],
            "body": ["Thousands of singles are waiting for you on our dating site.",
                     "Free sign up: create your dating profile and find your soulmate.",
                     "Meet local singles looking for a serious relationship.",
                     "Single women and men looking for love and romance.",
                     "Our matchmaking algorithm suggests compatible profiles every day.",
                     "Send a wink and start chatting with your match.",
                     "Casual dating or a long term relationship, you choose.",
                     "Thousands of couples met through our online dating service."]},
    },
    "weapons": {
        "fr": {
            "titles": ["Armurerie en ligne", "Acheter une arme sans permis",
                       "Munitions à prix cassés", "Couteaux de combat", "Fabriquer une arme"],
            "body": ["Pistolets, fusils d'assaut et munitions livrés chez vous.",
                     "Achetez une arme de poing sans permis ni justificatif.",
                     "Cartouches de 9 mm et chargeurs grande capacité en promotion.",
                     "Couteaux de combat, poings américains et matraques télescopiques.",
                     "Plans pour fabriquer une arme à feu avec une imprimante 3D.",
                     "Kalachnikov et AR-15 d'occasion, paiement en liquide.",
                     "Silencieux et lunettes de visée pour carabine.",
                     "Comment fabriquer une bombe artisanale avec des produits ménagers."]},
        "en": {
            "titles": ["Online Gun Store", "Buy Guns Without License", "Cheap Ammo",
                       "Combat Knives", "Build Your Own Firearm"],
            "body": ["Handguns, assault rifles and ammunition shipped to your door.",
                     "Buy a pistol with no background check and no license.",
                     "9mm ammo and high capacity magazines on sale.",
                     "Combat knives, brass knuckles and expandable batons.",
                     "Plans to build a ghost gun with a 3D printer.",
                     "Used AK-47 and AR-15 rifles, cash only.",
                     "Suppressors and rifle scopes for sale.",
                     "How to make a pipe bomb with household chemicals."]},
    },
    # ---------------------------------------------------------------- safe, tricky
    "safe-sexed": {
        "fr": {
            "titles": ["Éducation à la sexualité au collège", "La puberté expliquée aux ados",
                       "Contraception : les différentes méthodes", "Le consentement",
                       "Prévenir les infections sexuellement transmissibles"],
            "body": ["L'éducation à la sexualité aborde le respect de soi et des autres.",
                     "À la puberté, le corps change : poils, seins, voix, premières règles.",
                     "Le préservatif protège du VIH et des infections sexuellement transmissibles.",
                     "La pilule, l'implant et le stérilet sont des méthodes de contraception.",
                     "Le consentement doit être libre et peut être retiré à tout moment.",
                     "Les organes génitaux masculins et féminins : schéma légendé du manuel.",
                     "Le sida est causé par le VIH ; le dépistage est gratuit et anonyme.",
                     "Tu peux poser tes questions sur la sexualité à l'infirmière scolaire.",
                     "La pornographie donne une image fausse de la sexualité, parlons-en.",
                     "Les rapports sexuels ne sont jamais une obligation : apprendre à dire non."]},
        "en": {
            "titles": ["Sex Education for Teens", "Puberty Explained", "Contraception Methods",
                       "Understanding Consent", "Preventing STIs"],
            "body": ["Sex education covers respect, consent and healthy relationships.",
                     "During puberty the body changes: hair, breasts, voice, periods.",
                     "Condoms protect against HIV and sexually transmitted infections.",
                     "The pill, the implant and the IUD are methods of contraception.",
                     "Consent must be freely given and can be withdrawn at any time.",
                     "Male and female reproductive organs: a labelled diagram.",
                     "AIDS is caused by HIV; testing is free and confidential.",
                     "You can ask the school nurse your questions about sexuality.",
                     "Pornography gives a false picture of sex; talk about it with an adult you trust.",
                     "Sexual intercourse is never an obligation: learning to say no."]},
    },
    "safe-health": {
        "fr": {
            "titles": ["Le cancer du sein : dépistage", "Drogues : les risques pour la santé",
                       "L'alcool et les jeunes", "Dépression chez l'adolescent", "Vaccination"],
            "body": ["L'autopalpation des seins aide à détecter une anomalie tôt.",
                     "Le cannabis altère la mémoire et la concentration des adolescents.",
                     "Drogues info service répond gratuitement au 0 800 23 13 13.",
                     "La consommation d'alcool avant 18 ans nuit au développement du cerveau.",
                     "Si tu te sens triste depuis longtemps, parles-en à un adulte ou au 3114.",
                     "La cocaïne provoque des troubles du rythme cardiaque.",
                     "Le vaccin contre le HPV protège contre le cancer du col de l'utérus.",
                     "Le tabac tue un fumeur sur deux ; il existe des aides pour arrêter.",
                     "Une overdose est une urgence médicale : appelle le 15.",
                     "Le médecin examine la poitrine et prescrit une mammographie."]},
        "en": {
            "titles": ["Breast Cancer Screening", "Drugs and Your Health", "Alcohol and Teens",
                       "Teen Depression", "Vaccines"],
            "body": ["Breast self-examination helps to detect a lump early.",
                     "Cannabis use affects memory and attention in teenagers.",
                     "Heroin and other opioids can cause a fatal overdose.",
                     "Drinking alcohol before 18 harms the developing brain.",
                     "If you have felt sad for a long time, talk to an adult you trust.",
                     "Cocaine causes heart rhythm problems and strokes.",
                     "The HPV vaccine protects against cervical cancer.",
                     "Smoking kills one smoker in two; help to quit is available.",
                     "An overdose is a medical emergency: call emergency services.",
                     "The doctor examines the breast and orders a mammogram."]},
    },
    "safe-biology": {
        "fr": {
            "titles": ["La reproduction humaine", "La fécondation", "La reproduction des plantes",
                       "Le système nerveux", "La cellule"],
            "body": ["La fécondation est la rencontre d'un spermatozoïde et d'un ovule.",
                     "Chez les mammifères, le mâle et la femelle s'accouplent pour se reproduire.",
                     "Le pollen est transporté par les insectes jusqu'au pistil de la fleur.",
                     "L'embryon se développe dans l'utérus pendant neuf mois.",
                     "Les testicules produisent les spermatozoïdes dès la puberté.",
                     "Les neurones transmettent le message nerveux jusqu'aux muscles.",
                     "La cellule possède un noyau qui contient l'ADN.",
                     "Le lion tue sa proie et la dévore ; c'est un prédateur carnivore.",
                     "Le cycle menstruel dure environ 28 jours.",
                     "Les chromosomes sexuels X et Y déterminent le sexe de l'enfant."]},
        "en": {
            "titles": ["Human Reproduction", "Fertilisation", "Plant Reproduction",
                       "The Nervous System", "The Cell"],
            "body": ["Fertilisation is the fusion of a sperm cell and an egg.",
                     "In mammals, males and females mate to reproduce.",
                     "Insects carry pollen to the pistil of the flower.",
                     "The embryo develops in the uterus for nine months.",
                     "The testes produce sperm from puberty onwards.",
                     "Neurons carry nerve impulses to the muscles.",
                     "The cell has a nucleus that contains DNA.",
                     "The lion kills its prey and eats it; it is a carnivorous predator.",
                     "The menstrual cycle lasts about 28 days.",
                     "The X and Y sex chromosomes determine the sex of the baby."]},
    },
    "safe-history": {
        "fr": {
            "titles": ["La Seconde Guerre mondiale", "La Shoah", "La Première Guerre mondiale",
                       "La Résistance", "Le débarquement en Normandie"],
            "body": ["La Seconde Guerre mondiale a fait plus de 60 millions de morts.",
                     "Les nazis ont assassiné six millions de Juifs pendant la Shoah.",
                     "Dans les camps d'extermination, les déportés étaient gazés.",
                     "À Verdun, des centaines de milliers de soldats ont été tués.",
                     "Les résistants sabotaient les voies ferrées et cachaient des armes.",
                     "Le 6 juin 1944, les Alliés débarquent sur les plages de Normandie.",
                     "L'idéologie raciste du régime nazi désignait les Juifs comme une race inférieure.",
                     "Le devoir de mémoire : lutter contre l'antisémitisme et le racisme.",
                     "Le massacre d'Oradour-sur-Glane a fait 643 victimes civiles.",
                     "Hiroshima et Nagasaki sont détruites par deux bombes atomiques en 1945."]},
        "en": {
            "titles": ["World War II", "The Holocaust", "World War I", "The Resistance",
                       "D-Day"],
            "body": ["The Second World War killed more than 60 million people.",
                     "The Nazis murdered six million Jews in the Holocaust.",
                     "In the extermination camps, prisoners were gassed.",
                     "At Verdun hundreds of thousands of soldiers were killed.",
                     "Resistance fighters sabotaged railways and hid weapons.",
                     "On 6 June 1944 the Allies landed on the beaches of Normandy.",
                     "Nazi racist ideology called the Jews an inferior race.",
                     "Remembrance: fighting antisemitism and racism today.",
                     "The massacre at Oradour-sur-Glane killed 643 civilians.",
                     "Hiroshima and Nagasaki were destroyed by two atomic bombs in 1945."]},
    },
    "safe-news": {
        "fr": {
            "titles": ["Faits divers : un braquage à Lyon", "Élections municipales",
                       "Procès d'un trafiquant", "Météo : tempête sur la Bretagne",
                       "Sport : victoire des Bleus"],
            "body": ["Un homme armé a braqué une bijouterie ce matin ; personne n'a été blessé.",
                     "Le conseil municipal a voté le budget de la cantine scolaire.",
                     "Le tribunal a condamné le trafiquant de cannabis à cinq ans de prison.",
                     "La tempête a arraché des arbres et coupé l'électricité.",
                     "Les Bleus ont gagné trois buts à un en match amical.",
                     "La police enquête sur un meurtre commis dans la nuit.",
                     "Le ministre a annoncé un plan contre le harcèlement scolaire.",
                     "Un incendie a détruit un entrepôt ; les pompiers sont intervenus.",
                     "La guerre en Ukraine continue : de nouveaux bombardements cette nuit.",
                     "Les jeux d'argent en ligne inquiètent les associations de prévention."]},
        "en": {
            "titles": ["Armed Robbery in Leeds", "Local Elections", "Drug Trafficker Sentenced",
                       "Storm Hits the Coast", "Sport: Team Wins Final"],
            "body": ["An armed man robbed a jewellery shop this morning; nobody was hurt.",
                     "The council voted on the school canteen budget.",
                     "The court sentenced the cocaine trafficker to five years in prison.",
                     "The storm tore down trees and cut power to thousands.",
                     "The team won the final three goals to one.",
                     "Police are investigating a murder committed overnight.",
                     "The minister announced a plan against bullying in schools.",
                     "A fire destroyed a warehouse; firefighters were called.",
                     "The war in Ukraine goes on, with new bombings overnight.",
                     "Charities warn about the rise of online gambling among young people."]},
    },
    "safe-tech": {
        "fr": {
            "titles": ["Gérer les processus sous Linux", "Le shell Bash", "Python : les modules",
                       "Git : les branches", "Réseau : le protocole TCP"],
            "body": ["La commande kill envoie un signal à un processus ; kill -9 le termine.",
                     "Un processus enfant hérite des descripteurs de fichiers de son parent.",
                     "Pour exécuter le script, rendez-le exécutable avec chmod +x.",
                     "La fonction strip() supprime les espaces au début et à la fin.",
                     "Tuer le processus zombie ne suffit pas : il faut attendre son parent.",
                     "Le nœud fils est ajouté à l'arbre DOM avec appendChild.",
                     "L'attaque par force brute est bloquée après trois essais.",
                     "Le mode adulte de l'application désactive le contrôle parental.",
                     "Une exécution en arrière-plan se lance avec le caractère &.",
                     "La branche principale est fusionnée après la revue de code."]},
        "en": {
            "titles": ["Managing Processes on Linux", "Bash Scripting", "Python Modules",
                       "Git Branches", "TCP Explained"],
            "body": ["The kill command sends a signal to a process; kill -9 terminates it.",
                     "A child process inherits the file descriptors of its parent.",
                     "To execute the script, make it executable with chmod +x.",
                     "The strip() method removes leading and trailing whitespace.",
                     "Killing a zombie process does not help: its parent must reap it.",
                     "Append the child node to the DOM tree with appendChild.",
                     "Execute the query and fetch all rows from the cursor.",
                     "Adult accounts can manage the child accounts of the family.",
                     "The master process forks a worker child for each connection.",
                     "Strip debugging symbols from the binary to make it smaller.",
                     "Abort the transaction and kill the hung thread.",
                     "The shell executes commands and pipes the output of one into the next."]},
    },
}

# Pages per label and language (about half go to tune/, half to heldout/).
COUNTS = {"adult": 16, "violence": 7, "gambling": 7, "drugs": 7, "hate": 7, "shopping": 7,
          "chat": 7, "dating": 7, "weapons": 7, "safe-sexed": 8, "safe-health": 8,
          "safe-biology": 7, "safe-history": 8, "safe-news": 8, "safe-tech": 10}

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="https://www.site{n:03d}.example/page{n:03d}.html"></head>
<body><h1>{title}</h1>
{paras}
</body></html>
"""


# Second set of French pools (added with the independent set, tests/fixtures/labelled-independent,
# to tune the French lists on more kinds of site: escort ads, hentai, turf, crypto casinos,
# research chemicals, incel forums, hunting rifles, sugar dating, second-hand marketplaces, IRC...).
# Written by hand for Chouette. Drawn with their own seed, so the pages above do not change;
# pages are named fr-xNN.html and alternate between tune/ and heldout/ like the others.
EXTRA_FR = {
    "adult": {"nav": "Accueil | Vidéos | Photos | Catégories | Modèles | Connexion",
              "titles": ["Escortes et massages à domicile", "Hentai et mangas X", "Boutique de sextoys",
                         "Biographie de hardeuses", "Fétichisme et domination"],
              "body": ["Escorte indépendante, 25 ans, reçoit en appartement pour des moments très câlins.",
                       "Massage naturiste avec finition, discrétion assurée, tarifs sur demande.",
                       "Des milliers d'images hentai non censurées où les héroïnes se font sauter.",
                       "Vibromasseurs, menottes et plugs anaux livrés en emballage discret.",
                       "Cette hardeuse a tourné plus de 300 scènes, découvre ses meilleures vidéos de baise.",
                       "Domination, fessées et bondage : les vidéos de soumises les plus chaudes.",
                       "Elle écarte les cuisses et montre sa chatte rasée à la caméra.",
                       "Un mec bien monté la pénètre dans toutes les positions.",
                       "Galerie de photos de filles à poil prises par leurs copains.",
                       "Site pornographique réservé aux adultes, la suite est explicite.",
                       "Les meilleures pipes et éjacs de la semaine, votées par les membres.",
                       "Jeux de rôle coquins en direct avec des modèles dénudées."]},
    "violence": {"nav": "Accueil | Galerie | Vidéos | Forum | Classement",
                 "titles": ["Combats de chiens clandestins", "Photos d'accidents sans censure",
                            "Fans des tueries de masse", "Le coin des sadiques", "Vidéos de guerre brutes"],
                 "body": ["Les paris sont ouverts pour le combat de pitbulls de ce soir, jusqu'à la mort.",
                          "Photos des victimes de l'accident, corps broyés et membres arrachés.",
                          "Le tireur est un héros : relisez son manifeste et le décompte de ses victimes.",
                          "Les membres postent des photos de chats qu'ils ont martyrisés.",
                          "Un prisonnier de guerre abattu à bout portant, les images ne sont pas floutées.",
                          "Qui fera mieux que lui ? Le prochain massacre doit dépasser son score.",
                          "Comment frapper quelqu'un pour qu'il ne se relève jamais.",
                          "Vidéos de lapidation et de pendaison récupérées sur les réseaux.",
                          "Le sang coule à flots dans cette compilation de bastons de supporters.",
                          "Un otage se fait trancher la gorge devant la caméra."]},
    "gambling": {"nav": "Accueil | Courses | Paris | Promotions | Mon compte | Dépôt",
                 "titles": ["Turf : le quinté du jour", "Casino crypto", "Paris e-sport",
                            "Bingo en ligne", "Grilles de loto gagnantes"],
                 "body": ["Notre tocard du jour dans le quinté, jouez-le en couplé gagnant.",
                          "Déposez vos bitcoins et jouez au crash, au dice et aux slots sans vérification.",
                          "Misez sur la finale de League of Legends, cote de 2,10 sur l'équipe favorite.",
                          "Le bingo en ligne avec cartons à 50 centimes et un gros lot chaque heure.",
                          "Notre logiciel calcule les grilles de loto qui ont le plus de chances de sortir.",
                          "Encaissez vos gains en cash-out avant la fin du match.",
                          "Un cashback de 10 % sur vos pertes de la semaine.",
                          "Parieurs, retrouvez nos tuyaux pour le Prix d'Amérique.",
                          "Inscrivez-vous avec le code partenaire pour un pari gratuit de 20 €.",
                          "Tentez le tout pour le tout au vidéo poker."]},
    "drugs": {"nav": "Accueil | Produits | Conseils | Avis | Livraison",
              "titles": ["Research chemicals en vente", "Protoxyde d'azote pas cher", "Recette du lean",
                         "Fabriquer son haschich", "Médicaments sans ordonnance pour planer"],
              "body": ["Nouveaux cannabinoïdes de synthèse et dérivés de cathinone, pureté 99 %.",
                       "Bonbonnes de proto livrées le soir même pour vos soirées, ballons offerts.",
                       "Mélange le sirop codéiné avec du soda pour une bonne purple drank.",
                       "Extraire le pollen au tamis puis le presser pour faire ton propre haschich.",
                       "Quels cachets prendre pour être bien perché sans ordonnance ?",
                       "Dosage conseillé pour une première prise de 3-MMC.",
                       "La meilleure façon de sniffer une trace sans s'abîmer le nez.",
                       "Livraison express de cannabis à domicile par coursier, commande sur messagerie.",
                       "Les champis frais se conservent au frigo, on en prend deux grammes pour un bon trip.",
                       "Vapote du THC sans que tes parents sentent l'odeur."]},
    "hate": {"nav": "Accueil | Articles | Vidéos | Forum | Soutenir",
             "titles": ["Le forum des incels", "Le complot juif mondial", "Stop à la propagande LGBT",
                        "Négationnisme : les vidéos", "Défense de la race"],
             "body": ["Les femmes sont des objets inférieurs qui méritent d'être punies.",
                      "La finance juive tire les ficelles de toutes les guerres depuis deux siècles.",
                      "Les homos sont des pervers qui veulent corrompre nos enfants.",
                      "Les six millions sont un chiffre inventé, la vidéo le prouve.",
                      "Le métissage est un crime contre notre race.",
                      "Les Arabes sont tous des voleurs et des violeurs.",
                      "Interdisons aux Noirs de se marier avec nos femmes.",
                      "Les juifs sont la racine de tous les maux de l'humanité.",
                      "Hitler avait raison sur bien des points, lisez son livre.",
                      "Les migrants sont des rats qui se répandent dans nos villes."]},
    "weapons": {"nav": "Accueil | Carabines | Arbalètes | Accessoires | Panier",
                "titles": ["Carabines de chasse sans licence", "Arbalètes puissantes",
                           "Shockers et matraques électriques", "Modérateurs de son", "Grenades et détonateurs"],
                "body": ["Carabine de chasse calibre 308 vendue sans permis de chasser ni licence.",
                         "Arbalète de 175 livres capable de traverser une porte, idéale pour se défendre.",
                         "Matraque électrique de 5 millions de volts, envoi sans contrôle d'identité.",
                         "Silencieux vissable pour pistolet, le tir devient presque inaudible.",
                         "Grenades inertes faciles à réactiver avec notre kit de détonateurs.",
                         "Munitions perforantes qui traversent les gilets pare-balles.",
                         "Achetez un revolver à barillet et ses balles sans déclaration.",
                         "Fusil de précision avec lunette pour tirer à 800 mètres.",
                         "Comment scier le canon d'un fusil pour le cacher sous un manteau.",
                         "Poignards, dagues et étoiles de lancer pour le combat."]},
    "dating": {"nav": "Accueil | Profils | Recherche | Abonnement | Se connecter",
               "titles": ["Rencontres gay", "Sugar daddy", "Rencontres selon ton signe",
                          "Célibataires diplômés", "Rencontres à la campagne"],
               "body": ["L'appli pour les hommes qui aiment les hommes, les profils les plus proches en premier.",
                        "Jeunes femmes cherchent homme aisé pour relation généreuse et sorties chic.",
                        "Trouvez votre partenaire idéal grâce à la compatibilité astrologique.",
                        "Des célibataires cadres et diplômés pour une relation à long terme.",
                        "Agriculteurs et femmes de la campagne cherchent l'amour.",
                        "Likez les profils qui vous plaisent et recevez un message quand vous matchez.",
                        "Premier rendez-vous : nos conseils pour réussir votre date.",
                        "Votre prochain amour vous attend, inscrivez-vous en deux minutes.",
                        "Profils vérifiés par selfie pour des rencontres en toute confiance.",
                        "Abonnement premium : messages illimités et visibilité boostée."]},
    "shopping": {"nav": "Accueil | Vendre | Acheter | Catégories | Mes favoris | Mon panier",
                 "titles": ["Vide-dressing en ligne", "Comparateur de prix", "Meubles et déco",
                            "Box mensuelle", "Pièces auto pas chères"],
                 "body": ["Vendez vos vêtements en ligne, l'acheteur paie et vous expédiez le colis.",
                          "Comparez les prix de 300 marchands et trouvez l'offre la moins chère.",
                          "Canapé d'angle trois places à 499 € au lieu de 799 €, livraison à domicile.",
                          "Abonnez-vous à notre box beauté, résiliable à tout moment.",
                          "Plaquettes de frein à prix usine, expédiées sous 24 heures.",
                          "Ajouter à mes favoris ou acheter maintenant.",
                          "Payez en toute sécurité, votre argent est protégé jusqu'à la réception.",
                          "Réductions exclusives pour les membres, jusqu'à moins 60 %.",
                          "Suivez votre livraison et notez le vendeur à la réception.",
                          "Garantie satisfait ou remboursé et retours offerts."]},
    "chat": {"nav": "Accueil | Canaux | Utilisateurs | Connexion | Aide",
             "titles": ["Client IRC web", "Chat ados", "Chat vocal aléatoire",
                        "Discuter avec un ami virtuel", "Chat par ville"],
             "body": ["Connecte-toi au réseau IRC depuis ton navigateur, tape /join pour entrer dans un canal.",
                      "Le chat des 13-17 ans pour se faire des potes et parler de tout.",
                      "Appuie sur le bouton et tu parles au micro avec un inconnu au hasard.",
                      "Ton ami virtuel te répond à toute heure et se souvient de tes confidences.",
                      "Discute avec des gens de ta ville, choisis ton département.",
                      "Invite tes amis dans ton groupe de discussion privé.",
                      "Pas de compte à créer, un pseudo suffit pour commencer à tchatter.",
                      "Les utilisateurs connectés apparaissent dans la liste à droite.",
                      "Tu peux ignorer un utilisateur qui t'embête avec la commande /ignore.",
                      "Parle en vocal ou par écrit, c'est gratuit et anonyme."]},
}
# English counterpart of EXTRA_FR (same kinds of site, written separately by hand for Chouette),
# for tuning chouette-en; pages en-xNN.html, own seed.
EXTRA_EN = {
    "adult": {"nav": "Home | Videos | Photos | Categories | Models | Log in",
              "titles": ["Escorts and Home Massage", "Hentai and Adult Manga", "Sex Toy Store",
                         "Porn Star Profiles", "Fetish and Domination"],
              "body": ["Independent escort, 25, incall in her flat for very intimate moments.",
                       "Sensual massage with a happy ending, discretion guaranteed.",
                       "Thousands of uncensored hentai pics where the heroines get screwed.",
                       "Vibrators, handcuffs and butt plugs shipped in discreet packaging.",
                       "This porn star has shot over 300 scenes, see her best fuck videos.",
                       "Domination, spanking and bondage: the hottest submissive sluts.",
                       "She spreads her legs and shows her shaved pussy to the camera.",
                       "A well hung stud pounds her in every position.",
                       "Gallery of naked girls photographed by their boyfriends.",
                       "Pornographic website for adults only, explicit material ahead.",
                       "The week's best blowjobs and facials, voted by members.",
                       "Kinky live role play with topless models."]},
    "violence": {"nav": "Home | Gallery | Videos | Forum | Rankings",
                 "titles": ["Underground Dog Fights", "Uncensored Crash Photos", "Mass Shooter Fan Page",
                            "The Sadists' Corner", "Raw War Footage"],
                 "body": ["Bets are open for tonight's pit bull fight, to the death.",
                          "Photos of the crash victims, crushed bodies and torn off limbs.",
                          "The shooter is a hero: reread his manifesto and his body count.",
                          "Members post photos of cats they have tortured.",
                          "A prisoner of war shot at point blank range, the footage is not blurred.",
                          "Who will beat his score? The next massacre has to kill more.",
                          "How to hit someone so that he never gets up again.",
                          "Stoning and hanging videos pulled from social media.",
                          "Blood flows in this compilation of football hooligan brawls.",
                          "A hostage has his throat slit in front of the camera."]},
    "gambling": {"nav": "Home | Racing | Betting | Offers | My account | Deposit",
                 "titles": ["Horse Racing Tips", "Crypto Casino", "Esports Betting",
                            "Online Bingo", "Winning Lottery Numbers"],
                 "body": ["Our outsider of the day in the big race, back him each way.",
                          "Deposit your bitcoin and play crash, dice and slots with no verification.",
                          "Bet on the League of Legends final, odds of 2.10 on the favourites.",
                          "Online bingo with 50 cent cards and a big prize every hour.",
                          "Our software picks the lottery numbers most likely to come up.",
                          "Cash out your winnings before the final whistle.",
                          "10% cashback on your losses every week.",
                          "Punters, get our tips for the Grand National.",
                          "Sign up with the affiliate code for a free $20 bet.",
                          "Go all in at video poker."]},
    "drugs": {"nav": "Home | Products | Advice | Reviews | Shipping",
              "titles": ["Research Chemicals for Sale", "Cheap Nitrous Tanks", "How to Make Lean",
                         "Making Your Own Hash", "Pills to Get High Without a Prescription"],
              "body": ["New synthetic cannabinoids and cathinone analogues, 99% purity.",
                       "Nitrous tanks delivered the same night for your parties, free balloons.",
                       "Mix the codeine syrup with soda for a proper purple drank.",
                       "Sift the trichomes then press them to make your own hash.",
                       "Which pills get you really high without a prescription?",
                       "Recommended dose for your first time on 3-MMC.",
                       "The best way to snort a line without wrecking your nose.",
                       "Weed delivered to your door by courier, order on the app.",
                       "Fresh shrooms keep in the fridge, two grams for a good trip.",
                       "Vape THC without your parents smelling it."]},
    "hate": {"nav": "Home | Articles | Videos | Forum | Support us",
             "titles": ["The Incel Forum", "The Global Jewish Plot", "Stop LGBT Propaganda",
                        "Holocaust Revisionism Videos", "Defend the Race"],
             "body": ["Women are inferior objects who deserve to be punished.",
                      "Jewish bankers have pulled the strings of every war for two centuries.",
                      "Gays are perverts who want to corrupt our children.",
                      "The six million is a made up number, this video proves it.",
                      "Race mixing is a crime against our race.",
                      "Arabs are all thieves and rapists.",
                      "Ban blacks from marrying our women.",
                      "The jews are the root of all evil in the world.",
                      "Hitler was right about many things, read his book.",
                      "Migrants are rats spreading through our cities."]},
    "weapons": {"nav": "Home | Rifles | Crossbows | Accessories | Cart",
                "titles": ["Hunting Rifles Without a Licence", "Powerful Crossbows",
                           "Stun Guns and Electric Batons", "Sound Suppressors", "Grenades and Detonators"],
                "body": ["308 calibre hunting rifle sold with no hunting licence needed.",
                         "175 lb crossbow that goes through a door, ideal for self defence.",
                         "5 million volt stun baton, shipped with no ID check.",
                         "Screw-on silencer for pistols, the shot becomes almost silent.",
                         "Inert grenades easy to make live again with our detonator kit.",
                         "Armour piercing rounds that go through bulletproof vests.",
                         "Buy a revolver and bullets with no registration.",
                         "Sniper rifle with scope for shots at 800 metres.",
                         "How to saw off a shotgun barrel to hide it under a coat.",
                         "Daggers, dirks and throwing stars for combat."]},
    "dating": {"nav": "Home | Profiles | Search | Membership | Log in",
               "titles": ["Gay Dating", "Sugar Daddy Dating", "Dating by Star Sign",
                          "Professional Singles", "Country Dating"],
               "body": ["The app for men who like men, nearest profiles first.",
                        "Young women seeking a wealthy man for a generous arrangement.",
                        "Find your ideal partner through astrological compatibility.",
                        "Graduate and professional singles for a long term relationship.",
                        "Farmers and country girls looking for love.",
                        "Like the profiles you fancy and get a message when you match.",
                        "First date: our tips to make it go well.",
                        "Your next love is waiting, join in two minutes.",
                        "Selfie-verified profiles so you can meet with confidence.",
                        "Premium membership: unlimited messages and a boosted profile."]},
    "shopping": {"nav": "Home | Sell | Buy | Categories | Favourites | My basket",
                 "titles": ["Preloved Fashion Marketplace", "Price Comparison", "Furniture and Homeware",
                            "Monthly Subscription Box", "Cheap Car Parts"],
                 "body": ["Sell your clothes online, the buyer pays and you post the parcel.",
                          "Compare prices from 300 retailers and find the cheapest deal.",
                          "Three-seater corner sofa for $499, was $799, home delivery.",
                          "Subscribe to our beauty box, cancel any time.",
                          "Brake pads at factory prices, dispatched within 24 hours.",
                          "Add to favourites or buy it now.",
                          "Pay safely, your money is protected until the item arrives.",
                          "Exclusive member discounts, up to 60% off.",
                          "Track your delivery and rate the seller when it arrives.",
                          "Money back guarantee and free returns."]},
    "chat": {"nav": "Home | Channels | Users | Log in | Help",
             "titles": ["Web IRC Client", "Teen Chat", "Random Voice Chat",
                        "Talk to a Virtual Friend", "Chat by City"],
             "body": ["Connect to the IRC network from your browser, type /join to enter a channel.",
                      "The chat for 13 to 17 year olds to make friends and talk about anything.",
                      "Press the button and you talk on the mic with a random stranger.",
                      "Your virtual friend answers at any hour and remembers your secrets.",
                      "Chat with people in your city, choose your area.",
                      "Invite your friends to your private group chat.",
                      "No account to create, a nickname is enough to start chatting.",
                      "Users online appear in the list on the right.",
                      "You can ignore a user who bothers you with the /ignore command.",
                      "Talk by voice or text, it is free and anonymous."]},
}

EXTRA_COUNT = 8  # pages per label and language


def write_extra(out):
    n = 0
    for lang, pools, seed in (("fr", EXTRA_FR, 20261206), ("en", EXTRA_EN, 20261207)):
        rnd = random.Random(seed)
        for label, pool in pools.items():
            for i in range(EXTRA_COUNT):
                n += 1
                half = "tune" if i % 2 == 0 else "heldout"
                title = pool["titles"][i % len(pool["titles"])]
                sents = rnd.sample(pool["body"], rnd.randint(3, 5))
                paras = "<nav>%s</nav>\n" % html.escape(pool["nav"])
                paras += "\n".join("<p>%s</p>" % html.escape(s) for s in sents)
                d = os.path.join(out, half, label)
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, "%s-x%02d.html" % (lang, i + 1)), "w") as f:
                    f.write(PAGE.format(lang=lang, title=html.escape(title), n=500 + n,
                                        paras=paras))
    return n


# Third set of pools: the everyday vocabulary of each kind of site (what a real page of the
# category says around its main content), French and English, plus safe pages (prevention,
# court news, war history, parental-control help) whose words overlap the hidden categories.
# Written by hand for Chouette; pages <lang>-yNN.html, own seed, alternate tune/heldout.
EXTRA2 = {
    "adult": {
        "fr": ["Regarde gratuitement des vidéos de sexe en streaming HD.",
               "Cette brune sexy adore la levrette et le cunnilingus.",
               "Masturbation, fellation et éjaculation : la compilation la plus hot.",
               "Strip-tease en lingerie sexy puis elle finit toute nue.",
               "Des nichons énormes et un joli petit cul.",
               "Rejoins les membres premium pour voir les scènes X en entier.",
               "Une partie de jambes en l'air entre voisins coquins.",
               "Elle se branle devant sa webcam pour ses abonnés.",
               "Les meilleures vidéos porno amateur de la semaine.",
               "Des couples libertins filment leurs ébats sans tabou.",
               "Photos érotiques de femmes nues et de filles sexy.",
               "Il la baise sur le lit pendant qu'elle gémit."],
        "en": ["Watch free sex videos streaming in HD.",
               "This sexy brunette loves doggy style and getting her pussy licked.",
               "Masturbation, blowjob and cumshot: the hottest compilation.",
               "Striptease in sexy lingerie until she is totally naked.",
               "Huge boobs and a cute little ass.",
               "Go premium to watch the full xxx scenes.",
               "Naughty neighbours getting it on.",
               "She fingers herself on webcam for her subscribers.",
               "The week's best amateur porn videos.",
               "Swinger couples film themselves having sex with no taboo.",
               "Erotic pictures of naked women and sexy girls.",
               "He fucks her on the bed while she moans."]},
    "violence": {
        "fr": ["Une vidéo gore montre un homme poignardé à mort dans la rue.",
               "Les images sanglantes du massacre circulent sans censure.",
               "Regarde la décapitation en entier, sans flou.",
               "Compilation de fights brutaux avec des KO sanglants.",
               "Un homme se fait tabasser à mort par une bande.",
               "Les corps mutilés des victimes filmés de près.",
               "Vidéos de meurtres réels et de tortures filmées.",
               "Il lui fracasse le crâne à coups de batte.",
               "La scène la plus horrible jamais filmée, âmes sensibles s'abstenir.",
               "Les morts les plus atroces du mois en vidéo.",
               "Un chien battu à mort, la vidéo choc.",
               "Exécution sommaire filmée au téléphone, la vidéo complète."],
        "en": ["A gore video shows a man stabbed to death in the street.",
               "The bloody footage of the massacre is online uncensored.",
               "Watch the full beheading, no blur.",
               "Compilation of brutal fights with bloody knockouts.",
               "A man gets beaten to death by a gang.",
               "The mutilated bodies of the victims filmed up close.",
               "Real murder videos and filmed torture.",
               "He smashes his skull in with a bat.",
               "The most horrible scene ever filmed, viewer discretion.",
               "The most gruesome deaths of the month on video.",
               "A dog beaten to death, the shocking video.",
               "Summary execution filmed on a phone, the full video."]},
    "gambling": {
        "fr": ["Pariez sur le foot, le tennis et le basket avec les meilleures cotes.",
               "Bonus de bienvenue de 100 € pour votre premier pari.",
               "Casino en ligne avec machines à sous, roulette et blackjack.",
               "Gagnez de l'argent réel en jouant au poker.",
               "Misez en live et suivez vos paris en direct.",
               "Les pronostics de nos experts pour gagner vos paris.",
               "Tours gratuits et free spins sans dépôt.",
               "Jackpot progressif de plus d'un million d'euros.",
               "Retirez vos gains en quelques minutes.",
               "Le meilleur site de paris sportifs agréé par l'ANJ.",
               "Jouez au loto et à l'Euromillions en ligne.",
               "Cotes améliorées sur le match de ce soir."],
        "en": ["Bet on football, tennis and basketball with the best odds.",
               "Welcome bonus of $100 on your first bet.",
               "Online casino with slots, roulette and blackjack.",
               "Win real money playing poker.",
               "Bet live and follow your bets in play.",
               "Our experts' predictions to win your bets.",
               "Free spins with no deposit.",
               "Progressive jackpot of over a million dollars.",
               "Withdraw your winnings in minutes.",
               "The best licensed sports betting site.",
               "Play the lottery and Powerball online.",
               "Enhanced odds on tonight's game."]},
    "drugs": {
        "fr": ["Acheter de la weed et du shit en ligne, livraison discrète.",
               "Comment fumer un joint sans se faire griller.",
               "La meilleure beuh pour être bien défoncé.",
               "Prendre de l'ecstasy en soirée : nos conseils pour kiffer.",
               "Où acheter de la cocaïne pure sans se faire arnaquer.",
               "Les graines de cannabis les plus puissantes du marché.",
               "Un trip sous LSD raconté par un lecteur.",
               "Faire pousser du cannabis en intérieur.",
               "Comment planer plus fort avec des champignons.",
               "Nos dealers livrent la drogue en moins d'une heure.",
               "Vente de résine et d'herbe de qualité.",
               "Fumer du crack : le récit d'un consommateur."],
        "en": ["Buy weed and hash online, discreet delivery.",
               "How to smoke a joint without getting caught.",
               "The best bud to get really stoned.",
               "Taking ecstasy at a party: our tips to roll hard.",
               "Where to buy pure cocaine without getting ripped off.",
               "The strongest cannabis seeds on the market.",
               "An LSD trip report from a reader.",
               "Growing cannabis indoors.",
               "How to trip harder on mushrooms.",
               "Our dealers deliver drugs in under an hour.",
               "Quality hash and weed for sale.",
               "Smoking crack: a user's story."]},
    "hate": {
        "fr": ["Les immigrés sont des envahisseurs qu'il faut renvoyer chez eux.",
               "La race blanche est supérieure à toutes les autres.",
               "Les juifs dirigent le monde en secret.",
               "Les musulmans sont tous des terroristes.",
               "Les Noirs sont des sauvages.",
               "Les homosexuels sont des dégénérés.",
               "Les Arabes n'ont rien à faire en France.",
               "Il faut chasser les étrangers de notre pays.",
               "Le grand remplacement détruit notre civilisation blanche.",
               "L'Holocauste n'a jamais eu lieu.",
               "Les Roms sont une plaie pour nos villes.",
               "Vive la race aryenne et mort aux traîtres."],
        "en": ["Immigrants are invaders who must be sent back.",
               "The white race is superior to all others.",
               "The jews secretly run the world.",
               "All muslims are terrorists.",
               "Blacks are savages.",
               "Homosexuals are degenerates.",
               "Arabs have no place in our country.",
               "We must drive the foreigners out of our land.",
               "The great replacement is destroying white civilisation.",
               "The Holocaust never took place.",
               "Gypsies are a plague on our towns.",
               "Hail the Aryan race and death to traitors."]},
    "weapons": {
        "fr": ["Achetez un pistolet ou un fusil sans permis de port d'arme.",
               "Armes à feu, munitions et chargeurs livrés discrètement.",
               "Kalachnikov et fusil d'assaut en vente.",
               "Couteaux de combat, poings américains et matraques.",
               "Fabriquer une arme à feu chez soi.",
               "Comment fabriquer une bombe avec des produits du commerce.",
               "Silencieux et munitions pour pistolet 9 mm.",
               "Vente d'armes de guerre sur le darknet.",
               "Revolver et balles sans déclaration en préfecture.",
               "Un fusil de chasse à canon scié pour se défendre.",
               "Explosifs et détonateurs pour faire sauter une porte.",
               "Arme blanche à lame cachée dans une canne."],
        "en": ["Buy a pistol or a rifle with no gun permit.",
               "Firearms, ammo and magazines delivered discreetly.",
               "AK-47 and assault rifles for sale.",
               "Combat knives, knuckle dusters and batons.",
               "Make a firearm at home.",
               "How to make a bomb from shop-bought products.",
               "Silencers and ammunition for 9mm pistols.",
               "Military weapons sold on the darknet.",
               "Revolver and bullets with no background check.",
               "A sawn-off hunting shotgun for protection.",
               "Explosives and detonators to blow a door open.",
               "A blade hidden inside a walking stick."]},
    "dating": {
        "fr": ["Inscrivez-vous gratuitement et rencontrez des célibataires près de chez vous.",
               "Trouvez l'amour sur notre site de rencontre sérieux.",
               "Des milliers de profils de célibataires, femmes comme hommes.",
               "Envoyez un message au profil qui vous plaît.",
               "Rencontre amoureuse ou aventure d'un soir.",
               "Notre application de rencontre vous propose des matchs chaque jour.",
               "Hommes et femmes célibataires de votre ville vous attendent.",
               "Créez votre profil et ajoutez vos plus belles photos.",
               "Un premier rendez-vous avec un célibataire compatible.",
               "Les couples qui se sont rencontrés sur notre site témoignent.",
               "Chattez avec des célibataires en ligne.",
               "Rencontrez l'homme ou la femme de votre vie."],
        "en": ["Sign up free and meet singles near you.",
               "Find love on our serious dating site.",
               "Thousands of profiles of single women and men.",
               "Send a message to the profile you like.",
               "A love match or a one night stand.",
               "Our dating app suggests matches every day.",
               "Single men and women in your city are waiting.",
               "Create your profile and add your best photos.",
               "A first date with a compatible single.",
               "Couples who met on our site share their stories.",
               "Chat with singles online.",
               "Meet the man or woman of your life."]},
    "shopping": {
        "fr": ["Ajouter au panier, puis valider la commande.",
               "Livraison gratuite à partir de 50 € d'achat.",
               "Soldes : jusqu'à -50 % sur une sélection d'articles.",
               "Paiement sécurisé par carte bancaire ou PayPal.",
               "Article en stock, expédié sous 24 heures.",
               "Retours gratuits et remboursement rapide.",
               "Découvrez nos nouveautés et nos meilleures ventes.",
               "Prix : 29,99 € TTC, frais de port inclus.",
               "Utilisez votre code promo au moment de payer.",
               "Créez votre compte client pour suivre vos commandes.",
               "Les avis de nos clients sur ce produit.",
               "Offre spéciale : 2 achetés, le 3e offert."],
        "en": ["Add to cart, then place your order.",
               "Free delivery on orders over $50.",
               "Sale: up to 50% off selected items.",
               "Secure payment by card or PayPal.",
               "In stock, ships within 24 hours.",
               "Free returns and fast refunds.",
               "Discover our new arrivals and best sellers.",
               "Price: $29.99 including tax, shipping included.",
               "Use your promo code when you pay.",
               "Create a customer account to track your orders.",
               "Customer reviews of this product.",
               "Special offer: buy 2, get the 3rd free."]},
    "chat": {
        "fr": ["Tchat gratuit : discute en ligne avec des gens sympas.",
               "Entre dans un salon de discussion et fais des rencontres.",
               "Chat vidéo en direct avec ta webcam.",
               "Discute avec des filles et des garçons de ton âge.",
               "Choisis ton pseudo et commence à tchatter.",
               "Salon de chat ouvert 24 heures sur 24.",
               "Envoie des messages privés aux autres membres.",
               "Un chat anonyme pour parler de tout.",
               "Des centaines de personnes connectées sur le tchat.",
               "Rejoins la discussion en direct.",
               "Chat sans inscription et sans téléchargement.",
               "Parle avec des inconnus du monde entier."],
        "en": ["Free chat: talk online with nice people.",
               "Enter a chat room and meet new people.",
               "Live video chat with your webcam.",
               "Chat with girls and boys your age.",
               "Pick your nickname and start chatting.",
               "Chat room open 24 hours a day.",
               "Send private messages to other members.",
               "An anonymous chat to talk about anything.",
               "Hundreds of people online in the chat.",
               "Join the live conversation.",
               "Chat with no sign up and no download.",
               "Talk to strangers from all over the world."]},
    "safe-health": {
        "fr": ["La consommation de cannabis chez les jeunes : les chiffres de l'enquête.",
               "Les drogues et leurs effets : une fiche de prévention pour les collégiens.",
               "L'ecstasy peut provoquer une déshydratation grave.",
               "Arrêter de fumer : les aides et les traitements.",
               "Le médecin traitant peut orienter vers une consultation d'addictologie.",
               "En cas d'intoxication, appelez le centre antipoison.",
               "Les effets de l'alcool sur le foie et le cerveau.",
               "Le protoxyde d'azote détourné peut provoquer des atteintes neurologiques."],
        "en": ["Cannabis use among young people: the survey figures.",
               "Drugs and their effects: a prevention sheet for pupils.",
               "Ecstasy can cause severe dehydration.",
               "Quitting smoking: help and treatments.",
               "Your GP can refer you to an addiction service.",
               "In case of poisoning, call the poison control centre.",
               "The effects of alcohol on the liver and the brain.",
               "Misused nitrous oxide can cause nerve damage."]},
    "safe-news": {
        "fr": ["Les gendarmes ont démantelé un réseau de trafic de cannabis.",
               "Le trafiquant a été condamné à huit ans de prison par le tribunal correctionnel.",
               "La police a saisi 300 kilos de résine lors d'un contrôle routier.",
               "Un homme est mort après des coups de feu ; le suspect a été interpellé.",
               "Le procès de l'attentat s'ouvre ce lundi à Paris.",
               "Les douanes ont intercepté une cargaison d'héroïne.",
               "Le ministre de l'Intérieur annonce un plan contre le trafic de drogue.",
               "Une fusillade a fait deux blessés ; une enquête est ouverte."],
        "en": ["Police dismantled a cannabis trafficking ring.",
               "The dealer was jailed for eight years by the crown court.",
               "Officers seized 300 kilos of cannabis resin at a roadside check.",
               "A man was shot dead; the suspect has been arrested.",
               "The trial over the bombing opens in the high court.",
               "Customs intercepted a shipment of heroin.",
               "The home secretary announced a plan against drug trafficking.",
               "A shooting left two people injured; an investigation is under way."]},
    "safe-history": {
        "fr": ["Pendant la guerre, les soldats ont été tués par milliers dans les tranchées.",
               "Les massacres de civils sont étudiés en classe d'histoire.",
               "Le génocide des Arméniens a commencé en 1915.",
               "Les exécutions de résistants par les nazis au mont Valérien.",
               "La guerre civile espagnole a fait des centaines de milliers de victimes.",
               "Les bombardements ont détruit les villes et tué des civils.",
               "Le procès de Nuremberg a jugé les criminels de guerre nazis.",
               "La torture pendant la guerre est un sujet d'histoire sensible."],
        "en": ["During the war, soldiers were killed by the thousand in the trenches.",
               "Massacres of civilians are studied in history lessons.",
               "The Armenian genocide began in 1915.",
               "Resistance members were executed by the Nazis.",
               "The Spanish Civil War claimed hundreds of thousands of lives.",
               "The bombing destroyed cities and killed civilians.",
               "The Nuremberg trials judged Nazi war criminals.",
               "Torture during the war is a sensitive topic in history."]},
    "safe-tech": {
        "fr": ["Le contrôle parental bloque les sites pour adultes sur l'ordinateur de l'enfant.",
               "Activez le filtre pour masquer les contenus pornographiques.",
               "Le processus enfant est tué quand le parent se termine.",
               "Exécutez la commande en tant qu'administrateur.",
               "Le compte adulte gère les autorisations du compte enfant.",
               "Supprimez les espaces avec la fonction strip.",
               "Le logiciel de filtrage protège les enfants des contenus violents.",
               "Paramétrez le temps d'écran des enfants depuis votre téléphone."],
        "en": ["Parental controls block adult sites on the child's computer.",
               "Turn on the filter to hide pornographic content.",
               "The child process is killed when the parent exits.",
               "Execute the command as an administrator.",
               "The adult account manages the child account's permissions.",
               "Remove whitespace with the strip function.",
               "Filtering software protects children from violent content.",
               "Set your children's screen time from your phone."]},
}
EXTRA2_COUNT = 12  # pages per label and language


def write_extra2(out):
    rnd = random.Random(20261208)
    n = 0
    for label, langs in EXTRA2.items():
        for lang in ("fr", "en"):
            body = langs[lang]
            for i in range(EXTRA2_COUNT):
                n += 1
                half = "tune" if i % 2 == 0 else "heldout"
                sents = rnd.sample(body, rnd.randint(4, 6))
                title = sents[0].rstrip(".")
                paras = "\n".join("<p>%s</p>" % html.escape(s) for s in sents[1:])
                d = os.path.join(out, half, label)
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, "%s-y%02d.html" % (lang, i + 1)), "w") as f:
                    f.write(PAGE.format(lang=lang, title=html.escape(title), n=800 + n,
                                        paras=paras))
    return n


# Fourth set of pools (bench/filters/pools_z_hidden.py, pools_z_safe.py): per label and language,
# several sub-topics in several registers (forum posts, shop pages, news, guides, lessons,
# children's pages) and many safe pages sharing the hidden categories' words, written to give
# the text model a wider vocabulary. Pages <lang>-zNN.html, own seed. Each sub-topic gives
# ZPAGES pages that alternate tune/heldout (so every sub-topic is on both sides); a page holds
# 5-8 sentences of its sub-topic and one of another sub-topic of the same label.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pools_z_hidden import HIDDEN_Z  # noqa: E402
from pools_z_more import DOCS_Z, MORE2_Z, MORE3_Z, MORE4_Z, MORE_Z  # noqa: E402
from pools_z_safe import SAFE_Z  # noqa: E402

EXTRA3 = {label: {lang: topics + [t for more in (MORE_Z, MORE2_Z, MORE3_Z, MORE4_Z)
                                   for t in more.get(label, {}).get(lang, [])]
                  for lang, topics in langs.items()}
          for label, langs in dict(HIDDEN_Z, **SAFE_Z).items()}
for _lang, _topics in DOCS_Z.items():
    EXTRA3["safe-tech"][_lang] = EXTRA3["safe-tech"][_lang] + _topics
ZPAGES = 6  # pages per sub-topic (3 tune, 3 heldout)


def write_extra3(out):
    rnd = random.Random(20261209)
    n = 0
    for label in sorted(EXTRA3):
        for lang in ("fr", "en"):
            topics = EXTRA3[label][lang]
            i = 0
            for t, (titles, body) in enumerate(topics):
                others = [s for u, (_, b) in enumerate(topics) if u != t for s in b]
                for j in range(ZPAGES):
                    n += 1
                    i += 1
                    half = "tune" if j % 2 == 0 else "heldout"
                    title = titles[(j // 2) % len(titles)]
                    sents = rnd.sample(body, min(len(body), rnd.randint(5, 8)))
                    if others:
                        sents.insert(rnd.randint(1, len(sents)), rnd.choice(others))
                    paras = "\n".join("<p>%s</p>" % html.escape(s) for s in sents)
                    d = os.path.join(out, half, label)
                    os.makedirs(d, exist_ok=True)
                    with open(os.path.join(d, "%s-z%02d.html" % (lang, i)), "w") as f:
                        f.write(PAGE.format(lang=lang, title=html.escape(title), n=1200 + n,
                                            paras=paras))
    return n


# Fifth set of pools (bench/filters/pools_z5.py): more sub-topics and registers for weapons,
# dating and violence, and safe pages in their vocabulary (addiction care, war history, crime
# news, hunting rules, consent). Pages <lang>-wNN.html, own seed, so the pages above do not
# change; same layout as write_extra3 (ZPAGES pages per sub-topic alternating tune/heldout,
# 5-8 sentences of the sub-topic and one of another sub-topic of the same label).
from pools_z5 import Z5 as EXTRA4  # noqa: E402


def write_extra4(out):
    rnd = random.Random(20261210)
    n = 0
    for label in sorted(EXTRA4):
        for lang in ("fr", "en"):
            topics = EXTRA4[label][lang]
            i = 0
            for t, (titles, body) in enumerate(topics):
                others = [s for u, (_, b) in enumerate(topics) if u != t for s in b]
                for j in range(ZPAGES):
                    n += 1
                    i += 1
                    half = "tune" if j % 2 == 0 else "heldout"
                    title = titles[(j // 2) % len(titles)]
                    sents = rnd.sample(body, min(len(body), rnd.randint(5, 8)))
                    if others:
                        sents.insert(rnd.randint(1, len(sents)), rnd.choice(others))
                    paras = "\n".join("<p>%s</p>" % html.escape(s) for s in sents)
                    d = os.path.join(out, half, label)
                    os.makedirs(d, exist_ok=True)
                    with open(os.path.join(d, "%s-w%02d.html" % (lang, i)), "w") as f:
                        f.write(PAGE.format(lang=lang, title=html.escape(title), n=4000 + n,
                                            paras=paras))
    return n


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/labelled"
    rnd = random.Random(20240601)
    n = 0
    for label, langs in POOLS.items():
        for lang in ("fr", "en"):
            pool = langs[lang]
            for i in range(COUNTS[label]):
                n += 1
                half = "tune" if i % 2 == 0 else "heldout"
                title = pool["titles"][i % len(pool["titles"])]
                k = rnd.randint(3, 5)
                sents = rnd.sample(pool["body"], min(k, len(pool["body"])))
                paras = "\n".join("<p>%s</p>" % html.escape(s) for s in sents)
                d = os.path.join(out, half, label)
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, "%s-%02d.html" % (lang, i + 1)), "w") as f:
                    f.write(PAGE.format(lang=lang, title=html.escape(title), n=n, paras=paras))
    n += write_extra(out)
    n += write_extra2(out)
    n += write_extra3(out)
    n += write_extra4(out)
    print("wrote %d pages under %s" % (n, out))


if __name__ == "__main__":
    main()
